import { statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { FakeEngine } from "../fixtures/FakeEngine.js";
import { serverHome } from "../fixtures/serverHome.js";

// Server settings saved in config.json: nothing here needs a real engine. These servers start
// without --port, so that config.json's port is the one they use.
const freePort = () =>
	new Promise<number>((resolve) => {
		const probe = createServer().listen(0, "127.0.0.1", () => {
			const { port } = probe.address() as AddressInfo;
			probe.close(() => resolve(port));
		});
	});
const start = (env: NodeJS.ProcessEnv, port?: number): Promise<RunningServer> =>
	startServer({ env, port, print: () => {}, engine: new FakeEngine() });

describe("server settings", () => {
	it("saves port, API key and CORS in config.json, refuses bad values and locked ones, and the next start uses them", async () => {
		const env = await serverHome();
		const home = env.HEARTH_HOME as string;
		const [firstPort, nextPort] = [await freePort(), await freePort()];
		writeFileSync(join(home, "config.json"), JSON.stringify({ port: firstPort }));
		let own = await start(env);
		try {
			expect(own.url).toBe(`http://127.0.0.1:${firstPort}`); // config.json's port
			let api = new HearthClient(own.url);
			expect(await api.settings()).toMatchObject({ lockedBy: {}, restartRequired: false, active: { apiKeySet: false } });

			await expect(api.updateSettings({ apiKey: "short" })).rejects.toMatchObject({ status: 400 });
			await expect(api.updateSettings({ cors: ["http://localhost:5173/app"] })).rejects.toMatchObject({ status: 400 });
			await expect(api.updateSettings({ port: 70_000 })).rejects.toMatchObject({ status: 400 });
			const saved = await api.updateSettings({ port: nextPort, apiKey: "secret-key-1", cors: ["http://localhost:5173"] });
			expect(saved).toMatchObject({
				restartRequired: true,
				active: { port: firstPort, apiKeySet: false, corsOrigins: [] },
				next: { port: nextPort, apiKeySet: true, corsOrigins: ["http://localhost:5173"] },
			});
			expect(statSync(join(home, "config.json")).mode & 0o777).toBe(0o600);
			// Nothing changes before a restart.
			expect((await fetch(`${own.url}/hearth/models`)).status).toBe(200);
			await own.close();

			own = await start(env);
			expect(own.url).toBe(`http://127.0.0.1:${nextPort}`);
			expect((await fetch(`${own.url}/hearth/models`)).status).toBe(401);
			const cors = await fetch(`${own.url}/health`, { headers: { origin: "http://localhost:5173" } });
			expect(cors.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
			api = new HearthClient(own.url, () => "secret-key-1");
			expect(await api.settings()).toMatchObject({ restartRequired: false, active: { port: nextPort, apiKeySet: true } });
			expect(await api.updateSettings({ apiKey: null })).toMatchObject({ restartRequired: true, next: { apiKeySet: false } });
		} finally {
			await own.close();
		}
	});

	it("refuses to save a setting a flag or the environment fixes, naming which", async () => {
		const own = await start(await serverHome({ HEARTH_API_KEY: "from-the-environment" }), 0);
		try {
			const api = new HearthClient(own.url, "from-the-environment");
			expect((await api.settings()).lockedBy).toEqual({ port: "--port", apiKey: "HEARTH_API_KEY" });
			const error = await api.updateSettings({ port: 4321 }).catch((e: unknown) => e);
			expect(error).toMatchObject({ status: 409, code: "setting_locked" });
			expect((error as Error).message).toBe("port is set by --port, which wins over config.json; change it there");
			await expect(api.updateSettings({ apiKey: "another-key" })).rejects.toMatchObject({ status: 409 });
			expect(await api.updateSettings({ cors: ["*"] })).toMatchObject({ next: { corsOrigins: ["*"] }, restartRequired: true });
		} finally {
			await own.close();
		}
	});
});
