import { describe, expect, it } from "vitest";
import { AnthropicMessagesRequest } from "../../src/api/anthropic/AnthropicMessagesRequest.js";
import type { GenerationResult } from "../../src/engine/Engine.js";
import { fromAnthropicRequest } from "../../src/server/anthropic/fromAnthropicRequest.js";
import { toAnthropicMessage } from "../../src/server/anthropic/toAnthropicMessage.js";
import { generationStats } from "../fixtures/generationStats.js";

// The Anthropic translators without HTTP: request → ChatRequest, result → message (the stream
// translator is in anthropicStreamTranslator).
const base = { model: "m", max_tokens: 8 };
const user = (content: unknown) => ({ role: "user", content });
const translate = (body: Record<string, unknown>) => fromAnthropicRequest(AnthropicMessagesRequest.parse({ ...base, ...body }));
const TOOL = { name: "get_time", description: "The time", input_schema: { type: "object", properties: {} } };

describe("fromAnthropicRequest", () => {
	const cases: [string, Record<string, unknown>, unknown][] = [
		["a string message", { messages: [user("hi")] }, { messages: [{ role: "user", content: "hi" }], maxTokens: 8 }],
		[
			"text blocks, joined by a newline",
			{
				messages: [
					user([
						{ type: "text", text: "a" },
						{ type: "text", text: "b", cache_control: { type: "ephemeral" } },
					]),
				],
			},
			{ messages: [{ role: "user", content: "a\nb" }] },
		],
		[
			"a system string",
			{ system: "Be brief.", messages: [user("hi")] },
			{
				messages: [
					{ role: "system", content: "Be brief." },
					{ role: "user", content: "hi" },
				],
			},
		],
		[
			"system blocks",
			{
				system: [
					{ type: "text", text: "A." },
					{ type: "text", text: "B." },
				],
				messages: [user("hi")],
			},
			{
				messages: [
					{ role: "system", content: "A.\nB." },
					{ role: "user", content: "hi" },
				],
			},
		],
		["an empty system", { system: [], messages: [user("hi")] }, { messages: [{ role: "user", content: "hi" }] }],
		[
			"sampling in Hearth's words",
			{ messages: [user("hi")], temperature: 0, top_p: 0.5, top_k: 3, stop_sequences: ["x", "y"] },
			{ temperature: 0, topP: 0.5, topK: 3, stop: ["x", "y"], maxTokens: 8 },
		],
		[
			"an assistant prefill, continued",
			{ messages: [user("hi"), { role: "assistant", content: "Hello" }] },
			{
				messages: [
					{ role: "user", content: "hi" },
					{ role: "assistant", content: "Hello" },
				],
			},
		],
		[
			"a call and its result; reasoning passed back is left out",
			{
				tools: [TOOL],
				messages: [
					user("time?"),
					{
						role: "assistant",
						content: [
							{ type: "thinking", thinking: "hmm", signature: "sig" },
							{ type: "text", text: "Looking." },
							{ type: "tool_use", id: "call_1", name: "get_time", input: { city: "Taipei" } },
						],
					},
					user([
						{ type: "tool_result", tool_use_id: "call_1", content: "14:05" },
						{ type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "no" }], is_error: true },
						{ type: "tool_result", tool_use_id: "call_3" },
						{ type: "text", text: "and now?" },
					]),
				],
			},
			{
				messages: [
					{ role: "user", content: "time?" },
					{
						role: "assistant",
						content: "Looking.",
						toolCalls: [{ id: "call_1", name: "get_time", arguments: '{"city":"Taipei"}' }],
					},
					{ role: "tool", content: "14:05", toolCallId: "call_1" },
					{ role: "tool", content: "Error: no", toolCallId: "call_2" },
					{ role: "tool", content: "", toolCallId: "call_3" },
					{ role: "user", content: "and now?" },
				],
				tools: [{ name: "get_time", description: "The time", parameters: TOOL.input_schema }],
				toolChoice: undefined,
			},
		],
		["tool_choice auto", { tools: [TOOL], tool_choice: { type: "auto" }, messages: [user("hi")] }, { toolChoice: "auto" }],
		["tool_choice any", { tools: [TOOL], tool_choice: { type: "any" }, messages: [user("hi")] }, { toolChoice: "required" }],
		[
			"tool_choice tool",
			{ tools: [TOOL], tool_choice: { type: "tool", name: "get_time", disable_parallel_tool_use: true }, messages: [user("hi")] },
			{ toolChoice: { name: "get_time" } },
		],
		[
			"tool_choice none keeps the tools",
			{ tools: [TOOL], tool_choice: { type: "none" }, messages: [user("hi")] },
			{ toolChoice: "none" },
		],
	];
	it.each(cases)("translates %s", (_, body, expected) => {
		expect(translate(body).request).toMatchObject(expected as object);
	});

	it("gives no tools and no choice when the request has no tools", () => {
		const { request } = translate({ tools: [], tool_choice: { type: "auto" }, messages: [user("hi")] });
		expect([request.tools, request.toolChoice]).toEqual([undefined, undefined]);
	});

	it("reads stream and thinking", () => {
		expect(translate({ messages: [user("hi")] })).toMatchObject({ model: "m", stream: false, thinking: true });
		expect(translate({ messages: [user("hi")], stream: true, thinking: { type: "disabled" } })).toMatchObject({
			stream: true,
			thinking: false,
		});
	});

	const refusals: [string, Record<string, unknown>, RegExp][] = [
		[
			"an image",
			{ messages: [user([{ type: "image", source: {} }])] },
			/messages\.0\.content\.0: image blocks are not supported/,
		],
		["a document", { messages: [user([{ type: "document", source: {} }])] }, /document blocks are not supported/],
		[
			"a tool result in an assistant turn",
			{ messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "x" }] }] },
			/messages\.0\.content\.0: a tool_result block cannot be in a "assistant" turn/,
		],
		[
			"a tool call in a user turn",
			{ messages: [user([{ type: "tool_use", id: "x", name: "f", input: {} }])] },
			/a tool_use block cannot be in a "user" turn/,
		],
		["tool_choice any without tools", { tool_choice: { type: "any" }, messages: [user("hi")] }, /needs tools/],
		[
			"a named tool not offered",
			{ tools: [TOOL], tool_choice: { type: "tool", name: "nope" }, messages: [user("hi")] },
			/"nope"/,
		],
	];
	it.each(refusals)("refuses %s with a 400 that says where", (_, body, message) => {
		expect(() => translate(body)).toThrow(message);
		try {
			translate(body);
		} catch (error) {
			expect(error).toMatchObject({ status: 400 });
		}
	});
});

const stats = generationStats;
const head = { id: "msg_1", model: "m" };
const options = { stopSequences: [] as string[], thinking: true };

describe("toAnthropicMessage", () => {
	const cases: [string, GenerationResult, Partial<typeof options>, unknown][] = [
		["text", { text: "hi", stats: stats() }, {}, { content: [{ type: "text", text: "hi" }], stop_reason: "end_turn" }],
		["nothing, as one empty text block", { text: "", stats: stats() }, {}, { content: [{ type: "text", text: "" }] }],
		[
			"reasoning first, as a thinking block",
			{ text: "hi", reasoning: "think", stats: stats() },
			{},
			{
				content: [
					{ type: "thinking", thinking: "think", signature: "" },
					{ type: "text", text: "hi" },
				],
			},
		],
		[
			"reasoning left out when thinking is disabled",
			{ text: "hi", reasoning: "x", stats: stats() },
			{ thinking: false },
			{ content: [{ type: "text", text: "hi" }] },
		],
		[
			"a call, its input parsed; one cut short is {}",
			{
				text: "",
				toolCalls: [
					{ id: "call_1", name: "f", arguments: '{"a":1}' },
					{ id: "call_2", name: "f", arguments: '{"a":' },
					{ id: "call_3", name: "f", arguments: "[1]" },
				],
				stats: stats({ stopReason: "tool_calls" }),
			},
			{},
			{
				stop_reason: "tool_use",
				content: [
					{ type: "tool_use", id: "call_1", name: "f", input: { a: 1 } },
					{ type: "tool_use", id: "call_2", name: "f", input: {} },
					{ type: "tool_use", id: "call_3", name: "f", input: {} },
				],
			},
		],
		[
			"the one stop sequence",
			{ text: "a", stats: stats({ stopReason: "stop_string" }) },
			{ stopSequences: ["x"] },
			{ stop_reason: "stop_sequence", stop_sequence: "x" },
		],
		[
			"no guess among several stop sequences",
			{ text: "a", stats: stats({ stopReason: "stop_string" }) },
			{ stopSequences: ["x", "y"] },
			{ stop_reason: "stop_sequence", stop_sequence: null },
		],
		[
			"max_tokens",
			{ text: "a", stats: stats({ stopReason: "max_tokens" }) },
			{},
			{ stop_reason: "max_tokens", stop_sequence: null },
		],
		["a full context", { text: "a", stats: stats({ stopReason: "context_full" }) }, {}, { stop_reason: "max_tokens" }],
		["the client stopping it", { text: "a", stats: stats({ stopReason: "user_stopped" }) }, {}, { stop_reason: "end_turn" }],
		[
			"cached prompt tokens apart from the evaluated ones",
			{ text: "a", stats: stats({ promptTokens: 10, cachedPromptTokens: 6, generatedTokens: 2 }) },
			{},
			{ usage: { input_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 6, output_tokens: 2 } },
		],
	];
	it.each(cases)("answers %s", (_, result, over, expected) => {
		const message = toAnthropicMessage(result, head, { ...options, ...over });
		expect(message).toMatchObject({ id: "msg_1", type: "message", role: "assistant", model: "m", ...(expected as object) });
	});
});
