import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";

// Anthropic's Messages API on a real generated GGUF: the same greedy question answered alike
// through /v1/messages and /v1/chat/completions, streamed and not, and count_tokens agreeing with
// the real tokenizer's usage. The dialect's details are in test/server/anthropic*.
let server: RunningServer;
let anthropic: Anthropic;
let openai: OpenAI;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
/** QUESTION in the Phi-3 template, as llama.cpp tokenizes it for the test model (see openaiServer). */
const QUESTION_TOKENS = 11;

beforeAll(async () => {
	server = await startServer({ port: 0, env: await serverHome(), print: () => {} });
	anthropic = new Anthropic({ baseURL: server.url, apiKey: "not-needed", maxRetries: 0 });
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

/** Anthropic's sampling fields, which the API (and Hearth) take but this SDK's types no longer list. */
interface Sampling {
	temperature?: number;
	top_p?: number;
	top_k?: number;
}
/** Request params with sampling fields the SDK sends as they are. */
const sampled = <T extends object>(params: T, sampling: Sampling): T => ({ ...params, ...sampling });

describe("the @anthropic-ai/sdk client, on a real model", () => {
	it("gives the same greedy answer as the OpenAI dialect, whole and streamed", async () => {
		const completion = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: QUESTION,
			max_tokens: 12,
			temperature: 0,
		});
		const expected = completion.choices[0].message.content;
		expect(expected?.length).toBeGreaterThan(0);

		const greedy = sampled({ model: PHI3_KEY, messages: QUESTION, max_tokens: 12 }, { temperature: 0 });
		const message = await anthropic.messages.create(greedy);
		expect(message.content).toEqual([{ type: "text", text: expected }]);
		expect(message.stop_reason).toBe(stopReasonOf(completion.choices[0].finish_reason));
		expect(message.usage.output_tokens).toBe(completion.usage?.completion_tokens);
		// The sequence's cache may hold the question from the OpenAI request: together they are the prompt.
		expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0)).toBe(QUESTION_TOKENS);

		const stream = anthropic.messages.stream(greedy);
		let text = "";
		stream.on("text", (piece) => {
			text += piece;
		});
		const final = await stream.finalMessage();
		expect(text).toBe(expected);
		expect(final.content).toEqual(message.content);
	});

	it("counts the real tokenizer's prompt tokens, as generation does", async () => {
		const requests = [
			{ messages: QUESTION },
			{ system: "You are brief.", messages: QUESTION },
			{ messages: [...QUESTION, { role: "assistant" as const, content: "Taiwan is" }] },
			// Tools are documented in the prompt; count_tokens counts them as generation does.
			{
				messages: QUESTION,
				tools: [
					{
						name: "get_weather",
						description: "The weather in a city",
						input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
					},
				],
			},
		];
		for (const request of requests) {
			const { input_tokens } = await anthropic.messages.countTokens({ model: PHI3_KEY, ...request });
			const message = await anthropic.messages.create(
				sampled({ model: PHI3_KEY, max_tokens: 1, ...request }, { temperature: 0 }),
			);
			expect(input_tokens).toBe(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0));
		}
		expect((await anthropic.messages.countTokens({ model: PHI3_KEY, messages: QUESTION })).input_tokens).toBe(QUESTION_TOKENS);
	});
});

function stopReasonOf(finish: string): string {
	return finish === "length" ? "max_tokens" : "end_turn";
}
