import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** How to start a script in a process or worker of its own: its file, and the Node flags it needs. */
export interface ScriptEntry {
	script: string;
	execArgv: string[];
}

let newestSource: number | undefined;

/**
 * The entry point `base` (e.g. "runnerProcess") in the folder of the module at `moduleUrl`. From the
 * package's compiled output (dist/) it is the compiled script beside the module. From TypeScript
 * sources (tests, benchmarks) it is the compiled script too when `npm run build` made it after the
 * last change to any source, else the TypeScript one through tsx — which costs a process ~1.5 s of
 * compiling itself at every start.
 */
export function scriptEntry(moduleUrl: string, base: string): ScriptEntry {
	const here = fileURLToPath(moduleUrl);
	if (!here.endsWith(".ts")) return { script: join(dirname(here), `${base}.js`), execArgv: [] };
	const at = here.lastIndexOf(`${sep}src${sep}`);
	const sources = here.slice(0, at + 4);
	const compiled = join(dirname(sources), "dist", relative(sources, dirname(here)), `${base}.js`);
	const built = statSync(compiled, { throwIfNoEntry: false })?.mtimeMs;
	newestSource ??= newestMtime(resolve(sources));
	if (built !== undefined && built >= newestSource) return { script: compiled, execArgv: [] };
	const tsx = pathToFileURL(createRequire(moduleUrl).resolve("tsx")).href;
	return { script: join(dirname(here), `${base}.ts`), execArgv: ["--import", tsx] };
}

/** The latest modification time of any TypeScript file under `dir` (tests included: cheap, and never too new). */
function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
		else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
	}
	return newest;
}
