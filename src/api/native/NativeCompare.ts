import { z } from "zod";
import { NativeChatEvent, NativeChatRequest } from "./NativeChat.js";

/** One column of a comparison: a model and its own sampling (temperature, seed…), with an optional label. */
export const CompareColumn = NativeChatRequest.omit({ messages: true, ttlSeconds: true }).extend({
	label: z.string().trim().min(1).max(100).optional(),
});
export type CompareColumn = z.infer<typeof CompareColumn>;

/**
 * POST /hearth/compare: one conversation put to 2–4 columns — different models, or one model with
 * different settings — streamed side by side as server-sent events tagged with their column.
 */
export const CompareRequest = z.object({
	messages: NativeChatRequest.shape.messages,
	columns: z.array(CompareColumn).min(2, "compare at least 2 columns").max(4, "compare at most 4 columns"),
	ttlSeconds: z.number().int().min(0).optional(),
});
export type CompareRequest = z.infer<typeof CompareRequest>;

/**
 * A native chat event of one column (its index in `columns`). A column whose model cannot be in
 * memory beside the others' (HEARTH_MAX_MODELS) waits its turn, told by `queued` events with the
 * number of turns before it; a column that fails gets an `error` event and the others go on.
 */
export const CompareEvent = z.object({ column: z.number().int().min(0).max(3) }).and(NativeChatEvent);
export type CompareEvent = z.infer<typeof CompareEvent>;
