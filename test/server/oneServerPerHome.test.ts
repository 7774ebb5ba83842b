import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../../src/server/startServer.js";
import { FakeEngine } from "../fixtures/FakeEngine.js";
import { serverHome } from "../fixtures/serverHome.js";

const start = (env: NodeJS.ProcessEnv) => startServer({ port: 0, env, engine: new FakeEngine(), print: () => {} });

describe("one server per HEARTH_HOME", () => {
	it("a second server on the same home refuses to start and names the running one", async () => {
		const env = await serverHome();
		const first = await start(env);
		try {
			await expect(start(env)).rejects.toThrow(
				new RegExp(`Hearth \\(pid ${process.pid}\\) already serves .* at ${first.url.replace(/[.]/g, "\\.")}`),
			);
			// The first one is unaffected.
			expect((await fetch(`${first.url}/health`)).status).toBe(200);
		} finally {
			await first.close();
		}
		expect(existsSync(join(env.HEARTH_HOME ?? "", "server.json"))).toBe(false);
		const again = await start(env);
		await again.close();
	});

	it("a claim left by a server that died is taken over", async () => {
		const env = await serverHome();
		// A pid that is not running: the largest pid Linux hands out is far below this.
		writeFileSync(join(env.HEARTH_HOME ?? "", "server.json"), JSON.stringify({ pid: 2 ** 30, url: "http://127.0.0.1:1" }));
		const server = await start(env);
		await server.close();
	});

	it("a server that cannot listen gives its claim back", async () => {
		const env = await serverHome();
		const first = await start(await serverHome());
		try {
			const port = Number(new URL(first.url).port);
			await expect(startServer({ port, env, engine: new FakeEngine(), print: () => {} })).rejects.toThrow(/Port .* is in use/);
			expect(existsSync(join(env.HEARTH_HOME ?? "", "server.json"))).toBe(false);
		} finally {
			await first.close();
		}
	});
});
