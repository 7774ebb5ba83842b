import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { sseEvents } from "../fixtures/wire/wireShape.js";

// LM Studio's REST API (/api/v0) on the fake engine: OpenAI's shapes plus stats, model_info, runtime.
let server: FakeServer;
const QUESTION = [{ role: "user", content: "where is taiwan" }];
const COUNTING = "count to five";

beforeAll(async () => {
	server = await startFakeServer({
		engine: { script: (prompt) => (prompt.includes(COUNTING) ? ["one", " two", " three", " four", " five"] : undefined) },
	});
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const get = async (path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<Record<string, unknown>>;

describe("models", () => {
	it("lists models with state and describes one", async () => {
		await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 1 });
		const list = (await get("/api/v0/models")) as { object: string; data: Record<string, unknown>[] };
		expect(list.object).toBe("list");
		expect(list.data.find((m) => m.id === PHI3_KEY)).toEqual({
			id: PHI3_KEY,
			object: "model",
			type: "llm",
			publisher: "microsoft",
			arch: "phi3",
			compatibility_type: "gguf",
			quantization: "Q8_0",
			state: "loaded",
			max_context_length: 4096,
			loaded_context_length: 4096,
		});
		const one = await get(`/api/v0/models/${LLAMA_KEY}`);
		expect(one).toMatchObject({ id: LLAMA_KEY, arch: "llama", quantization: "Q4_0", state: "not-loaded" });
		expect(one).not.toHaveProperty("loaded_context_length");
		const missing = await fetch(`${server.url}/api/v0/models/nobody/none/none.gguf`);
		expect(missing.status).toBe(404);
		expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("model_not_found");
	});
});

describe("chat and completions", () => {
	it("answers chat with stats, model_info and runtime", async () => {
		const response = await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 6 });
		const body = (await response.json()) as Record<string, unknown> & { choices: { message: { content: string } }[] };
		expect(body).toMatchObject({ object: "chat.completion", model: PHI3_KEY, usage: { completion_tokens: 6 } });
		expect(body.choices[0].message.content.split(" ")).toHaveLength(6);
		expect(body.stats).toMatchObject({ stop_reason: "maxPredictedTokensReached" });
		const stats = body.stats as Record<string, number>;
		expect(stats.tokens_per_second).toBeGreaterThan(0);
		expect(stats.time_to_first_token).toBeGreaterThan(0);
		expect(stats.generation_time).toBeGreaterThanOrEqual(0);
		// Seconds, not milliseconds: the fake answers six tokens in well under one.
		expect(stats.time_to_first_token + stats.generation_time).toBeLessThan(1);
		expect(body.model_info).toEqual({ arch: "phi3", quant: "Q8_0", format: "gguf", context_length: 4096 });
		expect(body.runtime).toMatchObject({ name: "fake engine", supported_formats: ["gguf"] });
	});

	it("names each stop reason in LM Studio's words", async () => {
		const stop = async (extra: object) => {
			const body = (await (
				await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: [{ role: "user", content: COUNTING }], ...extra })
			).json()) as { stats: { stop_reason: string } };
			return body.stats.stop_reason;
		};
		expect(await stop({ max_tokens: 10 })).toBe("eosFound");
		expect(await stop({ stop: ["three"] })).toBe("stopStringFound");
		expect(await stop({ max_tokens: 2 })).toBe("maxPredictedTokensReached");
	});

	it("streams chat as OpenAI does, with LM Studio's fields on the finish chunk", async () => {
		const response = await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 3, stream: true });
		expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
		const events = sseEvents(await response.text());
		expect(events.at(-1)).toBe("[DONE]");
		const finish = JSON.parse(events.at(-2) ?? "");
		expect(finish.choices[0].finish_reason).toBe("length");
		expect(finish.stats).toMatchObject({ stop_reason: "maxPredictedTokensReached" });
		expect(finish.model_info).toMatchObject({ arch: "phi3" });
	});

	it("completes text with stats, and embeds", async () => {
		const completion = (await (
			await post("/api/v0/completions", { model: PHI3_KEY, prompt: "The island of", max_tokens: 4 })
		).json()) as Record<string, unknown>;
		expect(completion).toMatchObject({
			object: "text_completion",
			usage: { prompt_tokens: 4, completion_tokens: 4 },
			stats: { stop_reason: "maxPredictedTokensReached" },
			model_info: { arch: "phi3", format: "gguf" },
		});
		const embeddings = (await (await post("/api/v0/embeddings", { model: PHI3_KEY, input: "hello" })).json()) as {
			object: string;
			data: { object: string; embedding: number[] }[];
		};
		expect(embeddings.object).toBe("list");
		expect(embeddings.data[0]).toMatchObject({ object: "embedding", embedding: expect.any(Array) });
		expect(embeddings.data[0].embedding).toHaveLength(8);
	});

	it("answers errors in OpenAI's shape", async () => {
		const response = await post("/api/v0/chat/completions", { model: "no-such-model", messages: QUESTION });
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({
			error: { message: expect.any(String), type: "not_found_error", param: "model", code: "model_not_found" },
		});
	});
});
