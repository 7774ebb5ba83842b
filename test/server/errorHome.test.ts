import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { testModel } from "../fixtures/testModel.js";

// One home for every error: the studio's use cases raise named errors, toHttpError gives them one
// status, and each dialect writes that status in its own shape.
let hub: FakeHub;
let server: FakeServer;
let outside: string;

beforeAll(async () => {
	hub = await startFakeHub();
	// A model in an extra folder: Hearth uses it in place but does not own it.
	outside = join(tmpdir(), `hearth-extra-${process.pid}`);
	mkdirSync(join(outside, "someone", "shared"), { recursive: true });
	copyFileSync(await testModel({ type: "Q4_0" }), join(outside, "someone", "shared", "shared-Q4_0.gguf"));
	server = await startFakeServer({ env: { HF_ENDPOINT: hub.url, HEARTH_MODELS_DIRS: outside } });
});
afterAll(async () => {
	await server.close();
	await hub.stop();
});

const call = (method: string, path: string, body?: unknown) =>
	fetch(`${server.url}${path}`, {
		method,
		headers: { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

describe("a file or quantization the repo does not have is 404 at every door", () => {
	it("POST /hearth/downloads with a bad quant: 404 no_such_file, naming the quantizations there are", async () => {
		const response = await call("POST", "/hearth/downloads", { repo: PHI3_REPO, quant: "Q9_9" });
		expect(response.status).toBe(404);
		const body = (await response.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe("no_such_file");
		expect(body.error.message).toMatch(/no Q9_9 file; quantizations: Q4, FP16/);
	});

	it("POST /hearth/downloads with a bad file name: 404", async () => {
		const response = await call("POST", "/hearth/downloads", { repo: PHI3_REPO, file: "nope.gguf" });
		expect(response.status).toBe(404);
	});

	it.each([
		["../../etc/passwd", "it must be a plain name"],
		["/etc/passwd", "an absolute path"],
		["C:evil.gguf", "a drive letter"],
		["a\u0000b.gguf", "a NUL byte"],
	])("POST /hearth/downloads with the file name %j: 400 invalid_name saying why, the hub never asked", async (file, why) => {
		const before = hub.requests.length;
		const response = await call("POST", "/hearth/downloads", { repo: PHI3_REPO, file });
		expect(response.status).toBe(400);
		const body = (await response.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe("invalid_name");
		expect(body.error.message).toContain(why);
		expect(hub.requests.length).toBe(before);
	});

	it("a repo name that is no publisher/repo: 400", async () => {
		expect((await call("POST", "/hearth/downloads", { repo: "../../x" })).status).toBe(400);
	});

	it("Ollama's /api/pull of a quant the repo lacks: 404 in Ollama's shape", async () => {
		const response = await call("POST", "/api/pull", { model: `hf.co/${PHI3_REPO}:Q9_9`, stream: false });
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({ error: expect.stringMatching(/no Q9_9 file/) });
	});
});

describe("deleting: not Hearth's is 403, missing is 404", () => {
	it("native DELETE of a model in an extra folder: 403 model_not_deletable, and the file stays", async () => {
		const response = await call("DELETE", `/hearth/models?model=${encodeURIComponent("someone/shared/shared-Q4_0.gguf")}`);
		expect(response.status).toBe(403);
		expect(((await response.json()) as { error: { code: string } }).error.code).toBe("model_not_deletable");
		expect(existsSync(join(outside, "someone", "shared", "shared-Q4_0.gguf"))).toBe(true);
	});

	it("Ollama's /api/delete of the same model: 403 in Ollama's shape", async () => {
		const response = await call("DELETE", "/api/delete", { model: "someone/shared/shared-Q4_0.gguf" });
		expect(response.status).toBe(403);
		expect(await response.json()).toEqual({ error: expect.stringMatching(/Hearth only deletes models in its own folder/) });
	});

	it("a model nobody has: 404 from both", async () => {
		expect((await call("DELETE", "/hearth/models?model=nobody/none/none.gguf")).status).toBe(404);
		const ollama = await call("DELETE", "/api/delete", { model: "nobody/none/none.gguf" });
		expect(ollama.status).toBe(404);
		expect(await ollama.json()).toEqual({ error: "model 'nobody/none/none.gguf' not found" });
	});

	it("a loaded model of Hearth's own is unloaded, then deleted", async () => {
		await call("POST", "/hearth/models/load", { model: PHI3_KEY });
		expect(server.engine.listLoaded().map((m) => m.id)).toEqual([PHI3_KEY]);
		const response = await call("DELETE", `/hearth/models?model=${encodeURIComponent(PHI3_KEY)}`);
		expect(await response.json()).toEqual({ deleted: PHI3_KEY });
		expect(server.engine.listLoaded()).toEqual([]);
		expect(existsSync(join(server.env.HEARTH_HOME ?? "", "models", PHI3_KEY))).toBe(false);
	});
});

describe("the engine's own description, not a hard-coded one", () => {
	it("LM Studio's runtime and the status page name the injected engine", async () => {
		const status = (await (await call("GET", "/hearth/status")).json()) as { system: { engine: { name: string } } };
		expect(status.system.engine.name).toBe("fake engine");
		const response = await call("POST", "/api/v0/chat/completions", {
			// Not PHI3_KEY: an earlier test deletes it.
			model: LLAMA_KEY,
			messages: [{ role: "user", content: "hi" }],
			max_tokens: 2,
		});
		expect(((await response.json()) as { runtime: unknown }).runtime).toEqual({
			name: "fake engine",
			version: "unknown",
			supported_formats: ["gguf"],
		});
	});
});
