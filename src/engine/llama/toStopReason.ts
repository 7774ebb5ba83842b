import type { StopReason } from "../Engine.js";

/**
 * Why a generation that returned normally ended, in Hearth's terms. node-llama-cpp's reason comes
 * second to what Hearth saw itself: a stop string found here aborts the generation, which
 * node-llama-cpp then reports as an abort. `onMaxTokens` tells the request's limit from the
 * context's end (see fitPrompt).
 */
export function toStopReason(
	llamaStopReason: string,
	seen: { stopString: boolean; toolCalls: number; onMaxTokens: Extract<StopReason, "max_tokens" | "context_full"> },
): StopReason {
	if (seen.stopString) return "stop_string";
	if (llamaStopReason === "functionCalls" && seen.toolCalls > 0) return "tool_calls";
	if (llamaStopReason === "abort") return "user_stopped";
	if (llamaStopReason === "maxTokens") return seen.onMaxTokens;
	return "eos";
}
