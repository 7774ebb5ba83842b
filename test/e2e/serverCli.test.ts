import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";
import { collect, runCli, startCli } from "./runCli.js";

let server: RunningServer;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
	// Flash attention fixed: its measured choice may differ between the server's load and the CLI's
	// on a busy machine (the tiny model's two speeds are close), and it changes the logits' last bits,
	// which decide a sampled token on a near tie.
	env = await serverHome({ HEARTH_FLASH_ATTENTION: "off" });
	server = await startServer({ port: 0, env, print: () => {} });
	env = { ...env, HEARTH_SERVER_URL: server.url };
});
afterAll(() => server.close());
const cli = (args: string[]) => runCli(args, { env });

describe("CLI over the native API", () => {
	it("loads, lists, and unloads models in the server", async () => {
		const loaded = await cli(["load", "phi-3-mini-4k-instruct-q4", "--ctx", "512", "--ttl", "600", "--parallel", "2"]);
		expect(loaded.stderr).toBe("");
		expect(loaded.stdout).toMatch(
			/^Loaded microsoft\/Phi-3-mini-4k-instruct-gguf\/Phi-3-mini-4k-instruct-q4\.gguf in [\d.]+ s: context 512, 2 parallel, cpu/,
		);
		const ps = JSON.parse((await cli(["ps", "--json"])).stdout);
		expect(ps).toEqual([
			expect.objectContaining({ id: PHI3_KEY, contextLength: 512, parallel: 2, ttlSeconds: 600, inFlight: 0 }),
		]);
		// The server's own HEARTH_FLASH_ATTENTION (its env, not the test process's) chose it, with no probe.
		expect(ps[0].flashAttention).toMatchObject({ enabled: false, chosenBy: "setting" });
		expect(ps[0].memoryBytes).toBeGreaterThan(10 * 2 ** 20);
		const table = (await cli(["ps"])).stdout;
		expect(table).toMatch(/^MODEL\s+CONTEXT\s+PARALLEL\s+BACKEND\s+MEMORY\s+IDLE\s+UNLOADS/);
		expect(table).toMatch(/Phi-3-mini-4k-instruct-q4\.gguf\s+512\s+2\s+cpu, \d threads\s+[\d.]+ MiB\s+\S+\s+in \d+m/);
		expect((await cli(["ls"])).stdout).toMatch(/Phi-3-mini-4k-instruct-q4\.gguf.*\bloaded\b/);
		expect((await cli(["unload", "phi-3-mini-4k-instruct-q4"])).stdout).toBe(`Unloaded ${PHI3_KEY}\n`);
		expect((await cli(["ps"])).stdout).toBe("No model is loaded.\n");
		await cli(["load", "phi-3-mini-4k-instruct-q4"]);
		expect((await cli(["unload", "--all"])).stdout).toContain(PHI3_KEY);
		const notLoaded = await cli(["unload", "phi-3-mini-4k-instruct-q4"]);
		expect(notLoaded.code).toBe(1);
		expect(notLoaded.stderr).toMatch(/^hearth: Model "phi-3-mini-4k-instruct-q4" is not loaded\n$/);
	});

	it("shows the server's status", async () => {
		const status = JSON.parse((await cli(["server", "status", "--json"])).stdout);
		expect(status).toMatchObject({ version: "0.1.0", url: server.url, settings: { apiKeySet: false, parallel: 4 } });
		expect(status.system.engine).toEqual({ name: "llama.cpp via node-llama-cpp", nodeLlamaCpp: "3.21.1", llamaCpp: "v0.4.0" });
		expect(status.system.gpu.backend).toBe("cpu");
		expect((await cli(["server", "status"])).stdout).toMatch(/^Hearth 0\.1\.0 is running at http:\/\/127\.0\.0\.1:\d+/);
	});

	it("chats through the running server, with the same seeded answer as in process", async () => {
		const args = ["chat", "phi-3-mini-4k-instruct-q4", "-p", "where is taiwan", "--seed", "5", "--max-tokens", "10", "--stats"];
		const remote = await cli(args);
		expect(remote.code).toBe(0);
		expect(remote.stderr).toMatch(/10 tokens \(prompt \d+\) · stop: max tokens/);
		expect(JSON.parse((await cli(["ps", "--json"])).stdout).map((m: { id: string }) => m.id)).toEqual([PHI3_KEY]);
		const local = await cli([...args, "--local"]);
		expect(local.stdout).toBe(remote.stdout);
	});

	it("streams the server's log", async () => {
		const child = startCli(["log", "stream"], env);
		const done = collect(child);
		let out = "";
		child.stdout?.on("data", (d) => {
			out += d;
		});
		await cli(["unload", "--all"]);
		await cli(["load", "phi-3-mini-4k-instruct-q4"]);
		const started = Date.now();
		while (!/info\s+\[scheduler\] loaded /.test(out) && Date.now() - started < 10_000)
			await new Promise((r) => setTimeout(r, 50));
		child.kill("SIGINT");
		await done;
		expect(out).toMatch(/info\s+\[scheduler\] loaded microsoft\/Phi-3-mini-4k-instruct-gguf\/Phi-3-mini-4k-instruct-q4\.gguf in/);
	});

	it("says in one line that the server is not running, and how to start it", async () => {
		for (const args of [["ps"], ["load", "x"], ["unload", "--all"], ["server", "status"], ["log", "stream"]]) {
			const result = await runCli(args, { env: { ...env, HEARTH_SERVER_URL: "http://127.0.0.1:9" } });
			expect(result.code).toBe(1);
			expect(result.stderr).toBe(
				"hearth: Hearth is not running at http://127.0.0.1:9; start it with: hearth serve (or npm start)\n",
			);
		}
	});
});

describe("hearth serve --open", () => {
	it("prints the web UI's address and opens it with the system's opener", async () => {
		// The system opener (xdg-open on Linux), replaced by a script that records what it was asked to open.
		const bin = mkdtempSync(join(tmpdir(), "hearth-opener-"));
		const opened = join(bin, "opened.txt");
		writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s' "$1" > "${opened}"\n`, { mode: 0o755 });
		const child = startCli(["serve", "--port", "0", "--open"], { ...(await serverHome()), PATH: `${bin}:${process.env.PATH}` });
		const exited = collect(child);
		let out = "";
		child.stdout?.on("data", (d) => {
			out += d;
		});
		try {
			await expect.poll(() => existsSync(opened), { timeout: 15_000 }).toBe(true);
			const url = readFileSync(opened, "utf8");
			expect(out).toContain(`web UI:    ${url}/`);
			const page = await fetch(url);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('<div id="root">');
		} finally {
			child.kill("SIGTERM");
		}
		expect((await exited).code).toBe(0);
	});
});
