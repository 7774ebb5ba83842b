import type { FinishReason } from "../../api/openai/OpenAIResponses.js";
import type { StopReason } from "../../engine/Engine.js";

/** Hearth's stop reasons in OpenAI's words: cut short by a limit is "length", anything else "stop". */
export function mapFinishReason(reason: StopReason): FinishReason {
	return reason === "max_tokens" || reason === "context_full" ? "length" : "stop";
}
