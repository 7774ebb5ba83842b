import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The probe's unbounded requests, each refused up front in its dialect's shape with a 400.
let server: FakeServer;
beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
const hi = [{ role: "user", content: "hi" }];

describe("max_tokens past the context", () => {
	it.each([1e12, 4097])("OpenAI max_tokens %d: 400 max_tokens_too_large, nothing generated", async (max) => {
		const before = server.engine.requests.length;
		const response = await post("/v1/chat/completions", { model: PHI3_KEY, messages: hi, max_tokens: max });
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({
			error: { type: "invalid_request_error", code: "max_tokens_too_large", param: "max_tokens" },
		});
		expect(server.engine.requests.length).toBe(before);
	});

	it("the whole context is still allowed", async () => {
		const response = await post("/v1/completions", { model: PHI3_KEY, prompt: "hi", max_tokens: 4096 });
		expect(response.status).toBe(200);
	});

	it("LM Studio and Ollama likewise, in their shapes", async () => {
		const lmstudio = await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: hi, max_tokens: 1e9 });
		expect(lmstudio.status).toBe(400);
		const ollama = await post("/api/chat", { model: PHI3_KEY, messages: hi, options: { num_predict: 1e9 }, stream: false });
		expect(ollama.status).toBe(400);
		expect(await ollama.json()).toEqual({ error: expect.stringMatching(/max_tokens is 1000000000 but the context holds 4096/) });
	});
});

describe("Ollama's num_predict", () => {
	it.each([-5, 0, -3])("%d is refused with 400", async (n) => {
		const response = await post("/api/generate", { model: PHI3_KEY, prompt: "hi", options: { num_predict: n }, stream: false });
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({ error: expect.stringMatching(/num_predict is a positive count, -1 or -2/) });
	});

	it.each([-1, -2, 3])("%d is accepted", async (n) => {
		const response = await post("/api/generate", { model: PHI3_KEY, prompt: "hi", options: { num_predict: n }, stream: false });
		expect(response.status).toBe(200);
	});
});

describe("deeply nested bodies are refused before they are parsed", () => {
	it("100,000 levels in a field nobody reads: 400", async () => {
		const body = `{"model": "${PHI3_KEY}", "messages": [], "junk": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
		const response = await post("/v1/chat/completions", body);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({
			error: { code: "invalid_json", message: expect.stringMatching(/nests deeper than 64/) },
		});
	});

	it("5,000 levels inside a JSON schema: 400 with the reason, not a stack overflow", async () => {
		const schema = `${'{"type":"object","properties":{"a":'.repeat(5000)}{}${"}}".repeat(5000)}`;
		const body = `{"model": "${PHI3_KEY}", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": ${schema}}}}`;
		const response = await post("/v1/chat/completions", body);
		expect(response.status).toBe(400);
		expect(((await response.json()) as { error: { message: string } }).error.message).not.toMatch(/call stack/i);
	});

	it("Ollama's shape for the same refusal", async () => {
		const response = await post("/api/chat", `{"model": "x", "junk": ${'{"a":'.repeat(100)}1${"}".repeat(100)}}`);
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({ error: expect.stringMatching(/nests deeper/) });
	});
});
