import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../src/engine/Engine.js";
import { LLAMA_KEY, PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// Anthropic's tools and thinking on the fake engine, through the official client: tool_use blocks,
// tool_result turns, tool_choice, thinking blocks. Plain answers are in anthropicMessages.
let server: FakeServer;
let anthropic: Anthropic;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];

beforeAll(async () => {
	server = await startFakeServer();
	anthropic = new Anthropic({ baseURL: server.url, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

const lastRequest = () => server.engine.requests.at(-1)?.request as ChatRequest;

/** Anthropic's sampling fields, which the API (and Hearth) take but this SDK's types no longer list. */
interface Sampling {
	temperature?: number;
	top_p?: number;
	top_k?: number;
}
/** Request params with sampling fields the SDK sends as they are. */
const sampled = <T extends object>(params: T, sampling: Sampling): T => ({ ...params, ...sampling });

describe("tools", () => {
	const tools = [
		{
			name: "get_time",
			description: "The current time in a city",
			input_schema: {
				type: "object" as const,
				properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] } },
				required: ["city"],
			},
		},
	];
	const ask = [{ role: "user" as const, content: "what time is it in Taipei?" }];

	it("returns the model's call as a tool_use block with its input parsed, and takes the tool_result back", async () => {
		const message = await anthropic.messages.create({ model: TOOLS_KEY, max_tokens: 60, messages: ask, tools });
		expect(lastRequest()).toMatchObject({
			tools: [{ name: "get_time", description: tools[0].description, parameters: tools[0].input_schema }],
		});
		expect(message.stop_reason).toBe("tool_use");
		expect(message.content).toEqual([
			{ type: "tool_use", id: expect.stringMatching(/^call_/), name: "get_time", input: { city: "Taipei" } },
		]);
		const call = message.content[0];
		if (call.type !== "tool_use") throw new Error("expected a tool_use block");

		const followUp = await anthropic.messages.create({
			model: TOOLS_KEY,
			max_tokens: 8,
			tools,
			messages: [
				...ask,
				{ role: "assistant", content: message.content },
				{ role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "14:05" }] },
			],
		});
		expect(lastRequest().messages.slice(1)).toEqual([
			{ role: "assistant", content: "", toolCalls: [{ id: call.id, name: "get_time", arguments: '{"city":"Taipei"}' }] },
			{ role: "tool", content: "14:05", toolCallId: call.id },
		]);
		expect(followUp.stop_reason).toBe("max_tokens");
		expect(followUp.usage.input_tokens).toBeGreaterThan(message.usage.input_tokens);
		expect(followUp.content[0].type === "text" && followUp.content[0].text.length).toBeGreaterThan(0);
	});

	it("takes a failed tool's result as text blocks with is_error, and text after the results as a user message", async () => {
		await anthropic.messages.create({
			model: PHI3_KEY,
			max_tokens: 2,
			tools,
			messages: [
				...ask,
				{
					role: "assistant",
					content: [
						{ type: "text", text: "Let me look." },
						{ type: "tool_use", id: "call_1", name: "get_time", input: {} },
					],
				},
				{
					role: "user",
					content: [
						{ type: "tool_result", tool_use_id: "call_1", content: [{ type: "text", text: "no clock" }], is_error: true },
						{ type: "text", text: "try again" },
					],
				},
			],
		});
		expect(lastRequest().messages.slice(1)).toEqual([
			{ role: "assistant", content: "Let me look.", toolCalls: [{ id: "call_1", name: "get_time", arguments: "{}" }] },
			{ role: "tool", content: "Error: no clock", toolCallId: "call_1" },
			{ role: "user", content: "try again" },
		]);
	});

	it("streams a call as a tool_use block of input_json_delta pieces, and finalMessage() parses its input", async () => {
		const stream = anthropic.messages.stream({ model: TOOLS_KEY, max_tokens: 60, messages: ask, tools });
		const json: string[] = [];
		stream.on("inputJson", (partial) => json.push(partial));
		const final = await stream.finalMessage();
		expect(final.stop_reason).toBe("tool_use");
		expect(final.content).toEqual([
			{ type: "tool_use", id: expect.stringMatching(/^call_/), name: "get_time", input: { city: "Taipei" } },
		]);
		expect(JSON.parse(json.join(""))).toEqual({ city: "Taipei" });
	});

	it("hands tool_choice to the engine: auto, any as required, a named tool, none", async () => {
		const cases = [
			[{ type: "auto" }, "auto"],
			[{ type: "any" }, "required"],
			[{ type: "tool", name: "get_time" }, { name: "get_time" }],
			[{ type: "none" }, "none"],
		] as const;
		for (const [tool_choice, toolChoice] of cases) {
			// The fake engine may not honour each choice yet; what reaches it is what is checked.
			await anthropic.messages.create({ model: PHI3_KEY, max_tokens: 1, messages: ask, tools, tool_choice }).catch(() => {});
			expect(lastRequest()).toMatchObject({ toolChoice, tools: [{ name: "get_time" }] });
		}
	});

	// Needs the engine's tool choice (FakeEngine's tool caller honouring "none" and a named tool).
	it("answers in words with tool_choice none, and calls the named tool", async () => {
		const two = [...tools, { name: "get_date", input_schema: { type: "object" as const, properties: {} } }];
		const none = await anthropic.messages.create({
			model: TOOLS_KEY,
			max_tokens: 4,
			messages: ask,
			tools: two,
			tool_choice: { type: "none" },
		});
		expect(none.stop_reason).toBe("max_tokens");
		expect(none.content[0].type).toBe("text");
		const named = await anthropic.messages.create({
			model: TOOLS_KEY,
			max_tokens: 60,
			messages: ask,
			tools: two,
			tool_choice: { type: "tool", name: "get_date" },
		});
		expect(named.content).toEqual([expect.objectContaining({ type: "tool_use", name: "get_date" })]);
	});
});

describe("thinking", () => {
	// The FakeEngine's thinker option: models whose path matches write reasoning first.
	const thinkingLlama = { thinker: /tiny-llama/, tokenDelayMs: 0 };

	it("answers reasoning as a thinking block, streamed as thinking_delta", async () => {
		await server.engine.with(thinkingLlama, async () => {
			const ask = sampled({ model: LLAMA_KEY, max_tokens: 40, messages: QUESTION }, { temperature: 0 });
			const whole = await anthropic.messages.create(ask);
			expect(whole.content.map((b) => b.type)).toEqual(["thinking", "text"]);
			const stream = anthropic.messages.stream(ask);
			const thoughts: string[] = [];
			stream.on("thinking", (delta) => thoughts.push(delta));
			const final = await stream.finalMessage();
			expect(final.content).toEqual(whole.content);
			expect(whole.content[0]).toEqual({ type: "thinking", thinking: thoughts.join(""), signature: "" });
			const hidden = await anthropic.messages.create({ ...ask, thinking: { type: "disabled" } });
			expect(hidden.content.map((b) => b.type)).toEqual(["text"]);
		});
	});
});
