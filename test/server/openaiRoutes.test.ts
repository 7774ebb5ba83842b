import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest, CompletionRequest } from "../../src/engine/Engine.js";
import { LLAMA_KEY, PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { sseEvents } from "../fixtures/wire/wireShape.js";

// The OpenAI dialect on the fake engine: translation both ways, streaming (errors are in
// openaiErrors). What the fake cannot show (grammars, real function calling, the real tokenizer)
// is in test/e2e/openaiServer.
let server: FakeServer;
let openai: OpenAI;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
/** The fake tokenizer's count for QUESTION: <s>, <|user|>, three words, <|end|>, <|assistant|>. */
const QUESTION_TOKENS = 7;
const COUNTING = "count to five";

beforeAll(async () => {
	server = await startFakeServer({
		engine: { script: (prompt) => (prompt.includes(COUNTING) ? ["one", " two", " three", " four", " five"] : undefined) },
	});
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	fetch(`${server.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
const lastRequest = () => server.engine.requests.at(-1)?.request as ChatRequest & CompletionRequest;

describe("the official openai client", () => {
	it("lists the downloaded models, loaded ones with their context length", async () => {
		await post("/hearth/models/unload", { all: true });
		type Listed = { id: string; loaded: boolean; max_context_length: number; loaded_context_length?: number };
		const phi3 = () => openai.models.list().then((list) => list.data.find((m) => m.id === PHI3_KEY) as unknown as Listed);
		expect(await phi3()).toMatchObject({ object: "model", owned_by: "microsoft", max_context_length: 4096, loaded: false });
		expect((await phi3()).loaded_context_length).toBeUndefined();
		await openai.chat.completions.create({ model: PHI3_KEY, messages: QUESTION, max_tokens: 1 });
		expect(await phi3()).toMatchObject({ loaded: true, loaded_context_length: 4096 });
		const ids = (await openai.models.list()).data.map((m) => m.id);
		expect(ids).toEqual(expect.arrayContaining([PHI3_KEY, LLAMA_KEY, TOOLS_KEY]));
	});

	it("chats without streaming, by a model's short name, with usage and finish_reason", async () => {
		const completion = await openai.chat.completions.create({
			model: "phi-3-mini-4k-instruct-q4",
			messages: QUESTION,
			max_tokens: 9,
			seed: 3,
		});
		expect(completion.object).toBe("chat.completion");
		expect(completion.id).toMatch(/^chatcmpl-/);
		expect(completion.model).toBe(PHI3_KEY);
		expect(completion.choices[0].message.role).toBe("assistant");
		expect(completion.choices[0].message.content?.length).toBeGreaterThan(0);
		expect(completion.choices[0].finish_reason).toBe("length");
		expect(completion.usage).toEqual({
			prompt_tokens: QUESTION_TOKENS,
			completion_tokens: 9,
			total_tokens: QUESTION_TOKENS + 9,
			prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
		});
		expect(lastRequest()).toMatchObject({ messages: QUESTION, maxTokens: 9, seed: 3 });
	});

	it("hands every sampling field to the engine in its own words; max_completion_tokens wins over max_tokens", async () => {
		await post("/v1/chat/completions", {
			model: PHI3_KEY,
			messages: [
				{ role: "developer", content: "Be brief." },
				{
					role: "user",
					content: [
						{ type: "text", text: "where is" },
						{ type: "text", text: "taiwan" },
					],
				},
			],
			temperature: 0.5,
			top_p: 0.9,
			top_k: 20,
			min_p: 0.1,
			repeat_penalty: 1.2,
			presence_penalty: 0.3,
			frequency_penalty: 0.4,
			max_tokens: 50,
			max_completion_tokens: 5,
			stop: "sea",
			seed: 9,
			context_overflow_policy: "truncateMiddle",
		});
		expect(lastRequest()).toMatchObject({
			messages: [
				{ role: "system", content: "Be brief." },
				{ role: "user", content: "where is\ntaiwan" },
			],
			temperature: 0.5,
			topP: 0.9,
			topK: 20,
			minP: 0.1,
			repeatPenalty: 1.2,
			presencePenalty: 0.3,
			frequencyPenalty: 0.4,
			maxTokens: 5,
			stop: ["sea"],
			seed: 9,
			contextOverflowPolicy: "truncateMiddle",
		});
	});

	it("streams the same seeded answer it gives without streaming, then a usage chunk", async () => {
		const ask = { model: PHI3_KEY, messages: QUESTION, max_tokens: 16, seed: 42, temperature: 0.9 };
		const whole = await openai.chat.completions.create(ask);
		const stream = await openai.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
		const chunks = [];
		for await (const chunk of stream) chunks.push(chunk);
		expect(chunks[0].choices[0].delta.role).toBe("assistant");
		expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(whole.choices[0].message.content);
		expect(chunks.at(-2)?.choices[0].finish_reason).toBe("length");
		expect(chunks.at(-1)?.choices).toEqual([]);
		expect(chunks.at(-1)?.usage).toEqual(whole.usage);
		// The seed reaches the engine: another one gives another answer.
		const other = await openai.chat.completions.create({ ...ask, seed: 43 });
		expect(other.choices[0].message.content).not.toBe(whole.choices[0].message.content);
	});

	it("sends no usage chunk unless asked, and ends every stream with [DONE]", async () => {
		const response = await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 2, stream: true });
		const events = sseEvents(await response.text());
		expect(events.at(-1)).toBe("[DONE]");
		expect(JSON.parse(events.at(-2) ?? "").choices[0].finish_reason).toBe("length");
		expect(events.some((e) => e.includes('"usage"'))).toBe(false);
	});

	it("names why the answer ended: the model's end and a stop string are stop, a limit is length", async () => {
		const ask = (extra: object) =>
			openai.chat.completions.create({ model: PHI3_KEY, messages: [{ role: "user", content: COUNTING }], ...extra });
		const ended = await ask({ max_tokens: 10 });
		expect(ended.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: "one two three four five" } });
		expect(ended.usage?.completion_tokens).toBe(5);
		const stopped = await ask({ stop: ["three"] });
		expect(stopped.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: "one two " } });
		const cut = await ask({ max_tokens: 2 });
		expect(cut.choices[0]).toMatchObject({ finish_reason: "length", message: { content: "one two" } });
	});

	it("completes raw text, streaming the same text", async () => {
		const completion = await openai.completions.create({ model: PHI3_KEY, prompt: "The island of", max_tokens: 5, seed: 1 });
		expect(completion.object).toBe("text_completion");
		expect(completion.model).toBe(PHI3_KEY);
		expect(completion.choices[0].text.length).toBeGreaterThan(0);
		expect(completion.choices[0].finish_reason).toBe("length");
		expect(completion.usage).toEqual({
			prompt_tokens: 4,
			completion_tokens: 5,
			total_tokens: 9,
			prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
		});
		expect(server.engine.requests.at(-1)).toMatchObject({ kind: "completion", request: { prompt: "The island of", seed: 1 } });
		const stream = await openai.completions.create({
			model: PHI3_KEY,
			prompt: "The island of",
			max_tokens: 5,
			seed: 1,
			stream: true,
		});
		let text = "";
		let finish: string | null = null;
		for await (const chunk of stream) {
			text += chunk.choices[0]?.text ?? "";
			finish = chunk.choices[0]?.finish_reason ?? finish;
		}
		expect(text).toBe(completion.choices[0].text);
		expect(finish).toBe("length");
	});

	it("embeds, in base64 (the client's default) and as floats alike, counting the input's tokens", async () => {
		const base64 = await openai.embeddings.create({ model: PHI3_KEY, input: ["where is taiwan", "hello"] });
		expect(base64.data.map((d) => d.index)).toEqual([0, 1]);
		expect(base64.data[0].embedding).toHaveLength(8); // the fake model's width
		expect(base64.model).toBe(PHI3_KEY);
		expect(base64.usage).toEqual({ prompt_tokens: 3 + 1, total_tokens: 3 + 1 });
		const floats = await openai.embeddings.create({ model: PHI3_KEY, input: "where is taiwan", encoding_format: "float" });
		expect(floats.data).toHaveLength(1);
		for (const [i, v] of floats.data[0].embedding.entries()) expect(v).toBeCloseTo(base64.data[0].embedding[i], 5);
		expect(floats.data[0].embedding).not.toEqual(base64.data[1].embedding);
	});

	it("passes response_format to the engine as an output format", async () => {
		const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
		await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: QUESTION,
			max_tokens: 2,
			response_format: { type: "json_schema", json_schema: { name: "answer", schema } },
		});
		expect(lastRequest().format).toEqual({ type: "json_schema", schema });
		await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: QUESTION,
			max_tokens: 2,
			response_format: { type: "json_object" },
		});
		expect(lastRequest().format).toEqual({ type: "json" });
	});
});

describe("function calling", () => {
	const tools = [
		{
			type: "function" as const,
			function: {
				name: "get_time",
				description: "The current time in a city",
				parameters: { type: "object", properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] } }, required: ["city"] },
			},
		},
	];
	const ask = [{ role: "user" as const, content: "what time is it in Taipei?" }];

	it("returns the model's tool call with finish_reason tool_calls, and takes the result back", async () => {
		const completion = await openai.chat.completions.create({ model: TOOLS_KEY, messages: ask, tools, max_tokens: 60 });
		expect(lastRequest().tools).toEqual([tools[0].function]);
		const choice = completion.choices[0];
		expect(choice.finish_reason).toBe("tool_calls");
		expect(choice.message.content).toBeNull();
		const call = choice.message.tool_calls?.[0];
		expect(choice.message.tool_calls).toHaveLength(1);
		expect(call).toMatchObject({ type: "function", function: { name: "get_time" } });
		expect(call?.id).toMatch(/^call_/);
		const args = JSON.parse(call?.type === "function" ? call.function.arguments : "");
		expect(["Taipei", "Tokyo"]).toContain(args.city);

		const followUp = await openai.chat.completions.create({
			model: TOOLS_KEY,
			messages: [...ask, choice.message, { role: "tool", tool_call_id: call?.id ?? "", content: "14:05" }],
			tools,
			max_tokens: 8,
		});
		expect(lastRequest().messages.slice(1)).toEqual([
			{ role: "assistant", content: "", toolCalls: [{ id: call?.id, name: "get_time", arguments: JSON.stringify(args) }] },
			{ role: "tool", content: "14:05", toolCallId: call?.id },
		]);
		expect(followUp.usage?.prompt_tokens).toBeGreaterThan(completion.usage?.prompt_tokens ?? 0);
		expect(followUp.choices[0].finish_reason).toBe("length");
		expect(followUp.choices[0].message.content?.length).toBeGreaterThan(0);
	});

	it("streams tool calls as they are written, before the finish chunk (details in openaiToolsAndReasoning)", async () => {
		const stream = await openai.chat.completions.create({ model: TOOLS_KEY, messages: ask, tools, max_tokens: 60, stream: true });
		const chunks = [];
		for await (const chunk of stream) chunks.push(chunk);
		expect(chunks[0].choices[0].delta.role).toBe("assistant");
		const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
		expect(calls[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_time", arguments: "" } });
		expect(calls[0].id).toMatch(/^call_/);
		expect(JSON.parse(calls.map((c) => c.function?.arguments ?? "").join(""))).toEqual({ city: "Taipei" });
		expect(chunks.findLastIndex((c) => c.choices[0]?.delta.tool_calls)).toBe(chunks.length - 2);
		expect(chunks.at(-1)?.choices[0].finish_reason).toBe("tool_calls");
	});

	it("does not offer tools with tool_choice none, so the model just answers", async () => {
		const none = await openai.chat.completions.create({
			model: TOOLS_KEY,
			messages: ask,
			tools,
			tool_choice: "none",
			max_tokens: 5,
		});
		expect(lastRequest().tools).toBeUndefined();
		expect(none.choices[0].message.tool_calls).toBeUndefined();
		expect(none.choices[0].finish_reason).not.toBe("tool_calls");
	});
});

describe("concurrency", () => {
	it("completes 8 concurrent streams", async () => {
		const finishes = await Promise.all(
			Array.from({ length: 8 }, async (_, i) => {
				const stream = await openai.chat.completions.create({
					model: PHI3_KEY,
					messages: QUESTION,
					max_tokens: 12,
					seed: i,
					stream: true,
				});
				let finish: string | null = null;
				let text = "";
				for await (const chunk of stream) {
					finish = chunk.choices[0]?.finish_reason ?? finish;
					text += chunk.choices[0]?.delta.content ?? "";
				}
				return { finish, words: text.split(" ").length };
			}),
		);
		expect(finishes).toEqual(Array(8).fill({ finish: "length", words: 12 }));
	});
});
