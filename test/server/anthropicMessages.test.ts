import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnthropicTokenCount } from "../../src/api/anthropic/AnthropicCountTokensRequest.js";
import { AnthropicMessage } from "../../src/api/anthropic/AnthropicMessage.js";
import type { ChatRequest } from "../../src/engine/Engine.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// Anthropic's Messages API on the fake engine, through the official client: answers whole and
// streamed, stop reasons, tools and their results, count_tokens. Errors are in anthropicErrors,
// the wire shapes in anthropicWire, the real engine in test/e2e/anthropicMessages.
let server: FakeServer;
let anthropic: Anthropic;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
/** The fake tokenizer's count for QUESTION: <s>, <|user|>, three words, <|end|>, <|assistant|>. */
const QUESTION_TOKENS = 7;
const COUNTING = "count to five";

beforeAll(async () => {
	server = await startFakeServer({
		engine: { script: (prompt) => (prompt.includes(COUNTING) ? ["one", " two", " three", " four", " five"] : undefined) },
	});
	anthropic = new Anthropic({ baseURL: server.url, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

const lastRequest = () => server.engine.requests.at(-1)?.request as ChatRequest;
const counting = [{ role: "user" as const, content: COUNTING }];

/** Anthropic's sampling fields, which the API (and Hearth) take but this SDK's types no longer list. */
interface Sampling {
	temperature?: number;
	top_p?: number;
	top_k?: number;
}
/** Request params with sampling fields the SDK sends as they are. */
const sampled = <T extends object>(params: T, sampling: Sampling): T => ({ ...params, ...sampling });

describe("the official @anthropic-ai/sdk client", () => {
	it("answers without streaming in Anthropic's message shape, with usage and stop_reason", async () => {
		const message = await anthropic.messages.create({ model: PHI3_KEY, max_tokens: 9, messages: QUESTION });
		AnthropicMessage.strict().parse(message);
		expect(message.id).toMatch(/^msg_[0-9a-f]{32}$/);
		expect(message).toMatchObject({ type: "message", role: "assistant", model: PHI3_KEY, stop_reason: "max_tokens" });
		expect(message.stop_sequence).toBeNull();
		expect(message.content).toEqual([{ type: "text", text: expect.any(String) }]);
		expect(message.content[0].type === "text" && message.content[0].text.length).toBeGreaterThan(0);
		expect(message.usage).toEqual({
			input_tokens: QUESTION_TOKENS,
			cache_creation_input_tokens: 0,
			cache_read_input_tokens: 0,
			output_tokens: 9,
		});
		expect(lastRequest()).toMatchObject({ messages: QUESTION, maxTokens: 9 });
	});

	it("finds a model by its short name and hands the sampling fields to the engine in its own words", async () => {
		const message = await anthropic.messages.create(
			sampled(
				{
					model: "phi-3-mini-4k-instruct-q4",
					max_tokens: 5,
					messages: QUESTION,
					stop_sequences: ["sea"],
					metadata: { user_id: "someone" },
				},
				{ temperature: 0.5, top_p: 0.9, top_k: 20 },
			),
		);
		expect(message.model).toBe(PHI3_KEY);
		expect(lastRequest()).toMatchObject({ maxTokens: 5, temperature: 0.5, topP: 0.9, topK: 20, stop: ["sea"] });
	});

	it("takes the system prompt as a string or as text blocks, alike", async () => {
		await anthropic.messages.create({
			model: PHI3_KEY,
			max_tokens: 2,
			system: "Be brief.\nAnswer in English.",
			messages: QUESTION,
		});
		const asString = lastRequest().messages;
		await anthropic.messages.create({
			model: PHI3_KEY,
			max_tokens: 2,
			system: [
				{ type: "text", text: "Be brief." },
				{ type: "text", text: "Answer in English.", cache_control: { type: "ephemeral" } },
			],
			messages: [{ role: "user", content: [{ type: "text", text: "where is taiwan" }] }],
		});
		expect(lastRequest().messages).toEqual(asString);
		expect(asString).toEqual([{ role: "system", content: "Be brief.\nAnswer in English." }, ...QUESTION]);
	});

	it("names why the answer ended: end_turn, stop_sequence with the sequence, max_tokens", async () => {
		const ended = await anthropic.messages.create({ model: PHI3_KEY, max_tokens: 10, messages: counting });
		expect(ended).toMatchObject({ stop_reason: "end_turn", stop_sequence: null, content: [{ text: "one two three four five" }] });
		expect(ended.usage.output_tokens).toBe(5);
		const stopped = await anthropic.messages.create({
			model: PHI3_KEY,
			max_tokens: 10,
			messages: counting,
			stop_sequences: ["three"],
		});
		expect(stopped).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "three", content: [{ text: "one two " }] });
		const cut = await anthropic.messages.create({ model: PHI3_KEY, max_tokens: 2, messages: counting });
		expect(cut).toMatchObject({ stop_reason: "max_tokens", stop_sequence: null, content: [{ text: "one two" }] });
	});

	it("streams with messages.stream(): its events, its text, and a final message with the unstreamed one's usage", async () => {
		const ask = sampled({ model: PHI3_KEY, max_tokens: 16, messages: QUESTION }, { temperature: 0.9 });
		const whole = await anthropic.messages.create(ask);
		const seen: string[] = [];
		const texts: string[] = [];
		const stream = anthropic.messages.stream(ask);
		stream.on("text", (text) => texts.push(text));
		for await (const event of stream) seen.push(event.type);
		const final = await stream.finalMessage();
		expect(seen[0]).toBe("message_start");
		expect(seen.slice(1, 2)).toEqual(["content_block_start"]);
		expect(seen.filter((t) => t === "content_block_delta")).toHaveLength(texts.length);
		expect(seen.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
		expect(texts.length).toBeGreaterThan(1);
		expect(final.content).toEqual([{ type: "text", text: texts.join("") }]);
		expect(final.stop_reason).toBe(whole.stop_reason);
		expect(final.usage).toEqual(whole.usage);
		expect(final.model).toBe(PHI3_KEY);
	});

	it("streams the same greedy answer it gives whole, with the stop sequence in message_delta", async () => {
		const ask = sampled({ model: PHI3_KEY, max_tokens: 10, messages: counting, stop_sequences: ["four"] }, { temperature: 0 });
		const whole = await anthropic.messages.create(ask);
		const final = await anthropic.messages.stream(ask).finalMessage();
		expect(final.content).toEqual(whole.content);
		expect(final).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "four", usage: whole.usage });
	});

	it("counts a request's tokens exactly as its usage reports them, for several requests", async () => {
		const requests = [
			{ messages: QUESTION },
			{ system: "Be brief.", messages: QUESTION },
			{
				system: [{ type: "text" as const, text: "Be brief." }],
				messages: [...QUESTION, { role: "assistant" as const, content: "Taiwan" }],
			},
			{
				messages: [
					{ role: "user" as const, content: [{ type: "text" as const, text: "hello" }] },
					{ role: "assistant" as const, content: "hi, what can I do?" },
					{ role: "user" as const, content: "where is taiwan, and where is the sea?" },
				],
			},
		];
		for (const request of requests) {
			const counted = await anthropic.messages.countTokens({ model: PHI3_KEY, ...request });
			AnthropicTokenCount.strict().parse(counted);
			const message = await anthropic.messages.create({ model: PHI3_KEY, max_tokens: 1, ...request });
			expect(counted.input_tokens).toBe(message.usage.input_tokens);
			const streamed = anthropic.messages.stream({ model: PHI3_KEY, max_tokens: 1, ...request });
			let started = -1;
			streamed.on("streamEvent", (event) => {
				if (event.type === "message_start") started = event.message.usage.input_tokens;
			});
			expect((await streamed.finalMessage()).usage.input_tokens).toBe(counted.input_tokens);
			expect(started).toBe(counted.input_tokens);
		}
	});
});
