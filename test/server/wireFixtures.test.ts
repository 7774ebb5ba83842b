import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { allowing, type Leeway, ndjsonLines, readWire, shapeOf, sseEvents, streamShape } from "../fixtures/wire/wireShape.js";

// Hearth's answers on the fake engine, replayed against what OpenAI, Ollama and LM Studio send.
let server: FakeServer;
const QUESTION = [{ role: "user", content: "where is taiwan" }];

beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** An SSE stream's JSON events (checked to end with `[DONE]`) as compared shapes. */
function sseShape(body: string): string[][] {
	const events = sseEvents(body);
	expect(events.at(-1)).toBe("[DONE]");
	return streamShape(events.slice(0, -1).map((e) => JSON.parse(e)));
}

describe("OpenAI", () => {
	it("streams a chat as OpenAI does: a role chunk, content chunks, the finish chunk, the usage chunk, [DONE]", async () => {
		const response = await post("/v1/chat/completions", {
			model: PHI3_KEY,
			messages: QUESTION,
			max_tokens: 4,
			stream: true,
			stream_options: { include_usage: true },
		});
		expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
		const body = await response.text();
		const ours = sseShape(body);
		expect(ours).toEqual(sseShape(readWire("openai-chat-stream.sse.txt")));
		// The older recording, of a one-word answer, has the same shape, from before OpenAI added the usage details.
		const withoutDetails = ours.map((event) => event.filter((key) => !key.startsWith("$.usage.prompt_tokens_details")));
		expect(withoutDetails).toEqual(sseShape(readWire("../openai/chat-stream.sse.txt")));
		const events = sseEvents(body).slice(0, -1);
		expect(events.length).toBe(1 + 4 + 2); // every content chunk is there, one a token
		expect(new Set(events.map((e) => JSON.parse(e).id)).size).toBe(1);
	});

	it("answers a chat without streaming in the chat completion object's shape", async () => {
		const response = await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 4 });
		expect(response.headers.get("content-type")).toMatch(/^application\/json/);
		expect(shapeOf(await response.json())).toEqual(shapeOf(JSON.parse(readWire("openai-chat-completion.json"))));
	});
});

describe("Ollama", () => {
	// Ollama writes `done_reason` before `done` in /api/chat (its ChatResponse struct), and after it
	// in /api/generate: the order is checked like every other key.
	const chatShape = streamShape;

	it("streams /api/chat as NDJSON lines in Ollama's shapes, the last one done with its timings", async () => {
		const response = await post("/api/chat", { model: PHI3_KEY, messages: QUESTION, options: { num_predict: 4 } });
		expect(response.headers.get("content-type")).toBe("application/x-ndjson");
		const ours = ndjsonLines(await response.text());
		const recorded = ndjsonLines(readWire("ollama-chat-stream.ndjson"));
		expect(ours).toHaveLength(4 + 1);
		expect(chatShape(ours)).toEqual(chatShape(recorded));
		expect(typeof ours.at(-1)?.done_reason).toBe(typeof recorded.at(-1)?.done_reason);
	});

	it("answers /api/chat without streaming with the last line's shape, the whole message in it", async () => {
		const response = await post("/api/chat", { model: PHI3_KEY, messages: QUESTION, stream: false, options: { num_predict: 4 } });
		const final = ndjsonLines(readWire("ollama-chat-stream.ndjson")).at(-1);
		expect(shapeOf(await response.json())).toEqual(shapeOf(final));
	});

	it("streams a raw /api/generate in Ollama's shapes, and answers it whole with the last line's", async () => {
		const body = { model: PHI3_KEY, prompt: "The island of", raw: true, options: { num_predict: 4 } };
		const recorded = ndjsonLines(readWire("ollama-generate-raw.ndjson"));
		const streamed = await post("/api/generate", body);
		expect(streamed.headers.get("content-type")).toBe("application/x-ndjson");
		expect(streamShape(ndjsonLines(await streamed.text()))).toEqual(streamShape(recorded));
		const whole = await post("/api/generate", { ...body, stream: false });
		expect(shapeOf(await whole.json())).toEqual(shapeOf(recorded.at(-1)));
	});
});

describe("LM Studio", () => {
	it("answers /api/v0/chat/completions in LM Studio's shape, with stats, model_info and runtime", async () => {
		// Hearth's answer is OpenAI's chat completion plus LM Studio's fields: it carries OpenAI's
		// `system_fingerprint` and OpenAI's key order in a choice, where LM Studio has no fingerprint
		// and puts `message` last. Both left out of the comparison (reported); the rest must agree.
		// OpenAI's usage details (prompt_tokens_details.cached_tokens) are Hearth's addition there too.
		const leeway: Leeway = { absent: ["system_fingerprint", "usage.prompt_tokens_details"], anyKeyOrder: ["choices.0"] };
		const response = await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 4 });
		const recorded = JSON.parse(readWire("lmstudio-chat-completion.json"));
		expect(shapeOf(allowing(await response.json(), leeway))).toEqual(shapeOf(allowing(recorded, leeway)));
	});
});
