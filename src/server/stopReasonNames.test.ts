import { describe, expect, it } from "vitest";
import { FinishReason } from "../api/openai/OpenAIResponses.js";
import { StopReason } from "../api/StopReason.js";
import { STOP_REASON_NAMES, stopReasonIn } from "./stopReasonNames.js";

describe("stop reasons in each dialect's words", () => {
	it.each([
		["eos", "stop", "stop", "eosFound"],
		["stop_string", "stop", "stop", "stopStringFound"],
		["max_tokens", "length", "length", "maxPredictedTokensReached"],
		["user_stopped", "stop", "stop", "userStopped"],
		["context_full", "length", "length", "contextLengthReached"],
		["tool_calls", "tool_calls", "stop", "toolCalls"],
	] as const)("%s is %s in OpenAI, %s in Ollama, %s in LM Studio", (reason, openai, ollama, lmstudio) => {
		expect([stopReasonIn("openai", reason), stopReasonIn("ollama", reason), stopReasonIn("lmstudio", reason)]).toEqual([
			openai,
			ollama,
			lmstudio,
		]);
	});

	it("names every stop reason, and only with words OpenAI's finish_reason allows", () => {
		expect(Object.keys(STOP_REASON_NAMES).sort()).toEqual([...StopReason.options].sort());
		for (const names of Object.values(STOP_REASON_NAMES)) expect(FinishReason.safeParse(names.openai).success).toBe(true);
	});
});
