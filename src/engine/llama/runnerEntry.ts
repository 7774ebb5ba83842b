import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** How to start a runner process: the script, and the Node flags it needs. */
export interface RunnerEntry {
	script: string;
	execArgv: string[];
}

let newestSource: number | undefined;

/**
 * The runner's entry point. From the package's compiled output (dist/) the runner is the compiled
 * script beside this one. From TypeScript sources (tests, benchmarks) it is the compiled script
 * too when `npm run build` made it after the last change to any source, else the TypeScript one
 * through tsx: a runner started through tsx spends ~1.5 s compiling itself, at every model load.
 */
export function runnerEntry(moduleUrl: string): RunnerEntry {
	const here = fileURLToPath(moduleUrl);
	if (!here.endsWith(".ts")) return { script: join(dirname(here), "runnerProcess.js"), execArgv: [] };
	const sources = resolve(dirname(here), "../..");
	const compiled = join(dirname(sources), "dist", "engine", "llama", "runnerProcess.js");
	const built = statSync(compiled, { throwIfNoEntry: false })?.mtimeMs;
	newestSource ??= newestMtime(sources);
	if (built !== undefined && built >= newestSource) return { script: compiled, execArgv: [] };
	const tsx = pathToFileURL(createRequire(moduleUrl).resolve("tsx")).href;
	return { script: join(dirname(here), "runnerProcess.ts"), execArgv: ["--import", tsx] };
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
