import { describe, expect, it } from "vitest";
import { FinishReason } from "../api/openai/OpenAIResponses.js";
import { StopReason } from "../api/StopReason.js";
import { STOP_REASON_NAMES, stopReasonIn } from "./stopReasonNames.js";

describe("stop reasons in each dialect's words", () => {
	it.each([
		["eos", "stop", "stop", "eosFound", "end_turn", "completed"],
		["stop_string", "stop", "stop", "stopStringFound", "stop_sequence", "completed"],
		["max_tokens", "length", "length", "maxPredictedTokensReached", "max_tokens", "max_output_tokens"],
		["user_stopped", "stop", "stop", "userStopped", "end_turn", "completed"],
		["context_full", "length", "length", "contextLengthReached", "max_tokens", "max_output_tokens"],
		["tool_calls", "tool_calls", "stop", "toolCalls", "tool_use", "completed"],
	] as const)("%s is %s in OpenAI, %s in Ollama, %s in LM Studio, %s in Anthropic's, %s in Responses", (reason, ...names) => {
		const dialects = ["openai", "ollama", "lmstudio", "anthropic", "responses"] as const;
		expect(dialects.map((d) => stopReasonIn(d, reason))).toEqual(names);
	});

	it("names every stop reason, and only with words OpenAI's finish_reason allows", () => {
		expect(Object.keys(STOP_REASON_NAMES).sort()).toEqual([...StopReason.options].sort());
		for (const names of Object.values(STOP_REASON_NAMES)) expect(FinishReason.safeParse(names.openai).success).toBe(true);
	});
});
