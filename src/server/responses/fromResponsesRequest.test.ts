import { describe, expect, it } from "vitest";
import { ResponsesRequest } from "../../api/openai/ResponsesRequest.js";
import { HttpError } from "../HttpError.js";
import { type ConversationSoFar, fromResponsesRequest } from "./fromResponsesRequest.js";

const translate = (body: Record<string, unknown>, previous?: ConversationSoFar) =>
	fromResponsesRequest(ResponsesRequest.parse({ model: "m", input: "hi", ...body }), previous);
const tools = [{ type: "function", name: "get_time", parameters: { type: "object" } }];

describe("a Responses request as Hearth's chat", () => {
	it.each([
		["a string is a user message", { input: "where is taiwan" }, [{ role: "user", content: "where is taiwan" }]],
		[
			"instructions come first, as a system message",
			{ instructions: "Be brief.", input: [{ role: "user", content: "hi" }] },
			[
				{ role: "system", content: "Be brief." },
				{ role: "user", content: "hi" },
			],
		],
		[
			"developer is system; text parts are joined; assistant turns read output_text",
			{
				input: [
					{ type: "message", role: "developer", content: "d" },
					{
						role: "user",
						content: [
							{ type: "input_text", text: "a" },
							{ type: "input_text", text: "b" },
						],
					},
					{ role: "assistant", content: [{ type: "output_text", text: "c", annotations: [] }] },
				],
			},
			[
				{ role: "system", content: "d" },
				{ role: "user", content: "a\nb" },
				{ role: "assistant", content: "c" },
			],
		],
		[
			"function calls join the assistant turn before them; their output is a tool message",
			{
				input: [
					{ role: "user", content: "time?" },
					{ type: "reasoning", id: "rs_1", summary: [] },
					{ role: "assistant", content: "Let me look." },
					{ type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
					{ type: "function_call", call_id: "c2", name: "g", arguments: '{"a":1}' },
					{ type: "function_call_output", call_id: "c1", output: "14:05" },
					{ type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "ok" }] },
				],
			},
			[
				{ role: "user", content: "time?" },
				{
					role: "assistant",
					content: "Let me look.",
					toolCalls: [
						{ id: "c1", name: "f", arguments: "{}" },
						{ id: "c2", name: "g", arguments: '{"a":1}' },
					],
				},
				{ role: "tool", content: "14:05", toolCallId: "c1" },
				{ role: "tool", content: "ok", toolCallId: "c2" },
			],
		],
		[
			"a function call with no assistant turn before it makes one",
			{
				input: [
					{ role: "user", content: "time?" },
					{ type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
				],
			},
			[
				{ role: "user", content: "time?" },
				{ role: "assistant", content: "", toolCalls: [{ id: "c1", name: "f", arguments: "{}" }] },
			],
		],
	] as const)("%s", (_, body, messages) => {
		expect(translate(body).chat.messages).toEqual(messages);
	});

	it("continues a previous response: its conversation and output, then the input; its instructions are not inherited", () => {
		const previous: ConversationSoFar = {
			conversation: [{ type: "message", role: "user", content: "time?" }],
			output: [{ id: "fc_1", type: "function_call", status: "completed", arguments: "{}", call_id: "c1", name: "f" }],
		};
		const request = translate(
			{ instructions: "Now be brief.", input: [{ type: "function_call_output", call_id: "c1", output: "14:05" }] },
			previous,
		);
		expect(request.chat.messages).toEqual([
			{ role: "system", content: "Now be brief." },
			{ role: "user", content: "time?" },
			{ role: "assistant", content: "", toolCalls: [{ id: "c1", name: "f", arguments: "{}" }] },
			{ role: "tool", content: "14:05", toolCallId: "c1" },
		]);
		expect(request.conversation).toHaveLength(3);
		expect(request.conversation.at(-1)).toMatchObject({ type: "function_call_output", call_id: "c1" });
	});

	it.each([
		["max_output_tokens", { max_output_tokens: 7 }, { maxTokens: 7 }],
		["temperature and top_p", { temperature: 0, top_p: 0.5 }, { temperature: 0, topP: 0.5 }],
		[
			"llama.cpp's extras",
			{ top_k: 5, min_p: 0.2, repeat_penalty: 1.3, seed: 9 },
			{ topK: 5, minP: 0.2, repeatPenalty: 1.3, seed: 9 },
		],
		["json_object is any JSON by grammar", { text: { format: { type: "json_object" } } }, { format: { type: "json" } }],
		[
			"json_schema is that schema by grammar",
			{ text: { format: { type: "json_schema", name: "a", schema: { type: "object" }, strict: true } } },
			{ format: { type: "json_schema", schema: { type: "object" } } },
		],
		["text is free", { text: { format: { type: "text" }, verbosity: "low" } }, { format: undefined }],
		["truncation auto drops the oldest turns", { truncation: "auto" }, { contextOverflowPolicy: "rollingWindow" }],
		[
			"tool_choice auto offers the tools",
			{ tools },
			{ tools: [{ name: "get_time", parameters: { type: "object" } }], toolChoice: undefined },
		],
		["tool_choice none offers none", { tools, tool_choice: "none" }, { tools: undefined }],
		["tool_choice required forces a call", { tools, tool_choice: "required" }, { toolChoice: "required" }],
		[
			"a named tool_choice forces that call",
			{ tools, tool_choice: { type: "function", name: "get_time" } },
			{ toolChoice: { name: "get_time" } },
		],
	] as const)("%s", (_, body, chat) => {
		expect(translate(body).chat).toMatchObject(chat);
	});

	it("repeats the request's settings, with Hearth's defaults where unset", () => {
		expect(translate({}).echo).toEqual({
			instructions: null,
			max_output_tokens: null,
			parallel_tool_calls: true,
			previous_response_id: null,
			store: true,
			temperature: 0.8,
			text: { format: { type: "text" } },
			tool_choice: "auto",
			tools: [],
			top_p: 0.95,
			truncation: "disabled",
			metadata: {},
		});
		const echo = translate({
			tools: [{ type: "function", name: "f", description: "d", parameters: null, strict: false }],
			text: { format: { type: "json_schema", name: "a", schema: { type: "object" } } },
			metadata: { k: "v" },
			store: false,
			tool_choice: "none",
		}).echo;
		expect(echo.tools).toEqual([{ type: "function", description: "d", name: "f", parameters: null, strict: false }]);
		expect(echo.text.format).toEqual({
			type: "json_schema",
			description: null,
			name: "a",
			schema: { type: "object" },
			strict: true,
		});
		expect(echo).toMatchObject({ metadata: { k: "v" }, store: false, tool_choice: "none" });
	});

	it.each([
		["no input", { input: [] }, "input"],
		["an image", { input: [{ role: "user", content: [{ type: "input_image", image_url: "x" }] }] }, "input.0.content.0"],
		["a required call without tools", { tool_choice: "required" }, "tool_choice"],
		["a named call of no tool", { tools, tool_choice: { type: "function", name: "nope" } }, "tool_choice"],
		["tools with a JSON format", { tools, text: { format: { type: "json_object" } } }, "text.format"],
	] as const)("refuses %s with a 400", (_, body, param) => {
		const refusal = (() => {
			try {
				translate(body);
			} catch (error) {
				return error;
			}
		})();
		expect(refusal).toBeInstanceOf(HttpError);
		expect(refusal).toMatchObject({ status: 400, param });
	});

	it.each([
		["a hosted tool", { tools: [{ type: "web_search" }] }, "Hearth runs function tools and MCP tools"],
		["an item reference", { input: [{ type: "item_reference", id: "msg_1" }] }, "input items are"],
		["background", { background: true }, "foreground only"],
		["a conversation", { conversation: "conv_1" }, "previous_response_id"],
		["17 metadata keys", { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }, "16 keys"],
	] as const)("the schema refuses %s, saying why", (_, body, message) => {
		const parsed = ResponsesRequest.safeParse({ model: "m", input: "hi", ...body });
		expect(parsed.success).toBe(false);
		expect(parsed.error?.issues[0].message).toContain(message);
	});
});
