import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerStatus } from "../../src/api/native/NativeSystem.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";

// The real llama.cpp engine asked for a backend this machine cannot run. Metal has no Linux build,
// so it is missing on every machine these tests run on; the refusal comes before any runner starts.
let server: RunningServer;
beforeAll(async () => {
	server = await startServer({ port: 0, env: await serverHome({ HEARTH_GPU: "metal" }), print: () => {} });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("a GPU backend this machine lacks", () => {
	it("is shown as the setting, with the CPU in use and what the machine runs", async () => {
		const { system } = (await (await fetch(`${server.url}/hearth/status`)).json()) as ServerStatus;
		expect(system.gpu.setting).toBe("metal");
		expect(system.gpu.backend).toBe("cpu");
		expect(system.gpu.available).not.toContain("metal");
		expect(system.gpu.available.at(-1)).toBe("cpu");
	});

	it("refuses a load with a 400 that names the backends there are", async () => {
		const response = await post("/hearth/models/load", { model: PHI3_KEY });
		expect(response.status).toBe(400);
		const body = (await response.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe("gpu_backend_unavailable");
		expect(body.error.message).toMatch(/^the metal backend is not available on this machine \(available: .*cpu\)/);
	});

	it("refuses an OpenAI chat in OpenAI's error shape, loading nothing", async () => {
		const response = await post("/v1/chat/completions", { model: PHI3_KEY, messages: [{ role: "user", content: "hi" }] });
		expect(response.status).toBe(400);
		const body = (await response.json()) as { error: { code: string; type: string; param: string } };
		expect(body.error).toMatchObject({ code: "gpu_backend_unavailable", type: "invalid_request_error", param: "gpu" });
		expect((await (await fetch(`${server.url}/hearth/models/loaded`)).json()) as unknown[]).toEqual([]);
	});
});
