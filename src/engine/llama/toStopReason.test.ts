import { describe, expect, it } from "vitest";
import type { StopReason } from "../Engine.js";
import { toStopReason } from "./toStopReason.js";

describe("toStopReason", () => {
	const cases: [string, Parameters<typeof toStopReason>[1], StopReason][] = [
		["eogToken", { stopString: false, toolCalls: 0, onMaxTokens: "max_tokens" }, "eos"],
		["stopGenerationTrigger", { stopString: false, toolCalls: 0, onMaxTokens: "max_tokens" }, "eos"],
		["customStopTrigger", { stopString: false, toolCalls: 0, onMaxTokens: "max_tokens" }, "eos"],
		["abort", { stopString: true, toolCalls: 0, onMaxTokens: "max_tokens" }, "stop_string"],
		["abort", { stopString: false, toolCalls: 0, onMaxTokens: "max_tokens" }, "user_stopped"],
		["maxTokens", { stopString: false, toolCalls: 0, onMaxTokens: "max_tokens" }, "max_tokens"],
		["maxTokens", { stopString: false, toolCalls: 0, onMaxTokens: "context_full" }, "context_full"],
		["functionCalls", { stopString: false, toolCalls: 2, onMaxTokens: "max_tokens" }, "tool_calls"],
		["functionCalls", { stopString: false, toolCalls: 0, onMaxTokens: "max_tokens" }, "eos"],
	];
	it.each(cases)("%s with %o is %s", (llama, seen, expected) => {
		expect(toStopReason(llama, seen)).toBe(expected);
	});
});
