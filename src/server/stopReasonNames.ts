import type { AnthropicStopReason } from "../api/anthropic/AnthropicMessage.js";
import type { LmStudioStopReason } from "../api/lmstudio/LmStudioResponses.js";
import type { OllamaDoneReason } from "../api/ollama/OllamaResponses.js";
import type { FinishReason } from "../api/openai/OpenAIResponses.js";
import type { StopReason } from "../api/StopReason.js";

/** How a Responses API answer ends: completed, or incomplete for this `incomplete_details.reason`. */
export type ResponsesEnd = "completed" | "max_output_tokens";

/** Each dialect's word for why an answer ended, in one table so the dialects cannot drift apart. */
export const STOP_REASON_NAMES = {
	eos: { openai: "stop", ollama: "stop", lmstudio: "eosFound", anthropic: "end_turn", responses: "completed" },
	stop_string: {
		openai: "stop",
		ollama: "stop",
		lmstudio: "stopStringFound",
		anthropic: "stop_sequence",
		responses: "completed",
	},
	max_tokens: {
		openai: "length",
		ollama: "length",
		lmstudio: "maxPredictedTokensReached",
		anthropic: "max_tokens",
		responses: "max_output_tokens",
	},
	user_stopped: { openai: "stop", ollama: "stop", lmstudio: "userStopped", anthropic: "end_turn", responses: "completed" },
	context_full: {
		openai: "length",
		ollama: "length",
		lmstudio: "contextLengthReached",
		anthropic: "max_tokens",
		responses: "max_output_tokens",
	},
	tool_calls: { openai: "tool_calls", ollama: "stop", lmstudio: "toolCalls", anthropic: "tool_use", responses: "completed" },
} as const satisfies Record<
	StopReason,
	{
		openai: FinishReason;
		ollama: OllamaDoneReason;
		lmstudio: LmStudioStopReason;
		anthropic: AnthropicStopReason;
		responses: ResponsesEnd;
	}
>;

export type Dialect = keyof (typeof STOP_REASON_NAMES)[StopReason];

/** A stop reason in a dialect's words. */
export function stopReasonIn<D extends Dialect>(dialect: D, reason: StopReason): (typeof STOP_REASON_NAMES)[StopReason][D] {
	return STOP_REASON_NAMES[reason][dialect];
}
