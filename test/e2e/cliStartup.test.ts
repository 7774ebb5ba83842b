import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../fixtures/testModel.js";
import { runCli } from "./runCli.js";

/** Packages that cost the CLI tenths of a second to load; quick commands must not touch them. */
const HEAVY = ["node-llama-cpp", "hono", "@hono/node-server", "better-sqlite3"];

// A module-resolution hook (node:module register) that appends every URL the CLI resolves to a file.
// Plain JavaScript, written out at run time: the CLI runs under bare node, without a TypeScript loader.
const HOOKS = `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	appendFileSync(log, result.url + "\\n");
	return result;
}
`;
const REGISTER = `import { register } from "node:module";
register("./hooks.mjs", import.meta.url, { data: { log: process.env.HEARTH_TEST_IMPORT_LOG } });
`;

let hookDir: string;
beforeAll(() => {
	hookDir = mkdtempSync(join(tmpdir(), "hearth-cli-imports-"));
	writeFileSync(join(hookDir, "hooks.mjs"), HOOKS);
	writeFileSync(join(hookDir, "register.mjs"), REGISTER);
});

/** Runs the CLI and returns what it printed and the packages of every module it resolved. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
	const log = join(mkdtempSync(join(tmpdir(), "hearth-cli-imports-log-")), "resolved.txt");
	writeFileSync(log, "");
	const result = await runCli(args, {
		env: { ...env, NODE_OPTIONS: `--import=${pathToFileURL(join(hookDir, "register.mjs")).href}`, HEARTH_TEST_IMPORT_LOG: log },
	});
	const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
	const packages = new Set(urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(decodeURIComponent(url))?.[1]));
	// The hook works: it saw the CLI itself and commander.
	expect(urls.some((url) => url.endsWith("/cli/main.js"))).toBe(true);
	expect(packages).toContain("commander");
	return { ...result, heavy: HEAVY.filter((name) => packages.has(name)) };
}

const emptyHome = (): NodeJS.ProcessEnv => ({ HEARTH_HOME: mkdtempSync(join(tmpdir(), "hearth-cli-startup-")) });

describe("CLI startup loads none of node-llama-cpp, hono, better-sqlite3", () => {
	it.each([["--version"], ["-v"], ["--help"]])("for `hearth %s`", async (flag) => {
		const result = await run([flag]);
		expect(result.code).toBe(0);
		expect(result.heavy).toEqual([]);
	});

	it("for `hearth ps` (no server: one line, exit 1)", async () => {
		const result = await run(["ps"]);
		expect(result.stderr).toMatch(/^hearth: .*not running/);
		expect(result.heavy).toEqual([]);
	});

	// An empty store has nothing to judge fit for, so even a home's first listing asks llama.cpp nothing.
	it("for `hearth ls` of an empty store", async () => {
		const env = emptyHome();
		const result = await run(["ls"], env);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^No models yet/);
		expect(result.heavy).toEqual([]);
	});

	// The first listing with a model reads its header and asks llama.cpp about the GPU, caching both; later ones load neither.
	it("for `hearth ls` of a store whose metadata is cached", async () => {
		const env = emptyHome();
		const key = "local/tiny/tiny-Q4_0.gguf";
		const path = join(env.HEARTH_HOME as string, "models", key);
		mkdirSync(dirname(path), { recursive: true });
		copyFileSync(await testModel({ type: "Q4_0" }), path);
		expect((await runCli(["ls"], { env })).code).toBe(0);
		const result = await run(["ls"], env);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/local\/tiny\/tiny-Q4_0\.gguf\s+phi3\s+.*Q4_0/);
		expect(result.heavy).toEqual([]);
	});
});
