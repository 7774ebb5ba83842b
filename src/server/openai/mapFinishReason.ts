import type { FinishReason } from "../../api/openai/OpenAIResponses.js";
import type { StopReason } from "../../engine/Engine.js";

/** Hearth's stop reasons in OpenAI's words: cut short by a limit is "length", a function call "tool_calls", anything else "stop". */
export function mapFinishReason(reason: StopReason): FinishReason {
	if (reason === "tool_calls") return "tool_calls";
	return reason === "max_tokens" || reason === "context_full" ? "length" : "stop";
}
