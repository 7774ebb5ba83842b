import type { LmStudioStopReason } from "../api/lmstudio/LmStudioResponses.js";
import type { OllamaDoneReason } from "../api/ollama/OllamaResponses.js";
import type { FinishReason } from "../api/openai/OpenAIResponses.js";
import type { StopReason } from "../api/StopReason.js";

/** Each dialect's word for why an answer ended, in one table so the dialects cannot drift apart. */
export const STOP_REASON_NAMES = {
	eos: { openai: "stop", ollama: "stop", lmstudio: "eosFound" },
	stop_string: { openai: "stop", ollama: "stop", lmstudio: "stopStringFound" },
	max_tokens: { openai: "length", ollama: "length", lmstudio: "maxPredictedTokensReached" },
	user_stopped: { openai: "stop", ollama: "stop", lmstudio: "userStopped" },
	context_full: { openai: "length", ollama: "length", lmstudio: "contextLengthReached" },
	tool_calls: { openai: "tool_calls", ollama: "stop", lmstudio: "toolCalls" },
} as const satisfies Record<StopReason, { openai: FinishReason; ollama: OllamaDoneReason; lmstudio: LmStudioStopReason }>;

export type Dialect = keyof (typeof STOP_REASON_NAMES)[StopReason];

/** A stop reason in a dialect's words. */
export function stopReasonIn<D extends Dialect>(dialect: D, reason: StopReason): (typeof STOP_REASON_NAMES)[StopReason][D] {
	return STOP_REASON_NAMES[reason][dialect];
}
