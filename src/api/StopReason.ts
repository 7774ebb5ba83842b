import { z } from "zod";

/**
 * Why generation ended: the model's end-of-sequence, a stop string, the max_tokens cap, the user
 * (or client) stopping it, a full context, or a function call. Each dialect names these its own
 * way (`server/stopReasonNames.ts`).
 */
export const StopReason = z.enum(["eos", "stop_string", "max_tokens", "user_stopped", "context_full", "tool_calls"]);
export type StopReason = z.infer<typeof StopReason>;

/** How the UI's and the CLI's stats lines word each reason. */
export const STOP_REASON_LABELS: Record<StopReason, string> = {
	eos: "eos",
	stop_string: "stop string",
	max_tokens: "max tokens",
	user_stopped: "user stopped",
	context_full: "context full",
	tool_calls: "tool calls",
};
