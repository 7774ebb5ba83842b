import { describe, expect, it } from "vitest";
import { OpenAIChatRequest } from "../../api/openai/OpenAIChatRequest.js";
import { HttpError } from "../HttpError.js";
import { fromOpenAIChatRequest } from "./fromOpenAIRequest.js";

const base = { model: "m", messages: [{ role: "user", content: "hi" }] };
const translate = (body: Record<string, unknown>) => fromOpenAIChatRequest(OpenAIChatRequest.parse({ ...base, ...body }));

describe("an OpenAI chat request as Hearth's", () => {
	it.each([
		["max_tokens", { max_tokens: 5 }, { maxTokens: 5 }],
		["max_completion_tokens wins over max_tokens", { max_tokens: 5, max_completion_tokens: 9 }, { maxTokens: 9 }],
		["a stop string becomes a list", { stop: "x" }, { stop: ["x"] }],
		["null is unset", { temperature: null, seed: null }, { temperature: undefined, seed: undefined }],
		["json_object is any JSON by grammar", { response_format: { type: "json_object" } }, { format: { type: "json" } }],
		[
			"json_schema is that schema by grammar",
			{ response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } } },
			{ format: { type: "json_schema", schema: { type: "object" } } },
		],
		["LM Studio's overflow policy", { context_overflow_policy: "rollingWindow" }, { contextOverflowPolicy: "rollingWindow" }],
	] as const)("%s", (_, body, sampling) => {
		expect(translate(body).sampling).toMatchObject(sampling);
	});

	it.each([
		["developer is system", { role: "developer", content: "be brief" }, { role: "system", content: "be brief" }],
		[
			"text parts are joined",
			{
				role: "user",
				content: [
					{ type: "text", text: "a" },
					{ type: "text", text: "b" },
				],
			},
			{ role: "user", content: "a\nb" },
		],
		[
			"a tool result keeps its call id",
			{ role: "tool", content: "42", tool_call_id: "c1" },
			{ role: "tool", content: "42", toolCallId: "c1" },
		],
	] as const)("messages: %s", (_, message, expected) => {
		expect(translate({ messages: [message] }).messages).toEqual([expected]);
	});

	it("offers tools unless tool_choice is none, and refuses tools with response_format", () => {
		const tools = [{ type: "function", function: { name: "f", parameters: { type: "object" } } }];
		expect(translate({ tools }).tools).toEqual([{ name: "f", description: undefined, parameters: { type: "object" } }]);
		expect(translate({ tools, tool_choice: "none" }).tools).toBeUndefined();
		expect(() => translate({ tools, response_format: { type: "json_object" } })).toThrow(HttpError);
	});
});
