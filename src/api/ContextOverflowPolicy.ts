import { z } from "zod";

/**
 * What to do with a prompt longer than the context (LM Studio's policies). `error` (the default):
 * refuse with both token counts. `stopAtLimit`: the same for the prompt; generation stops when the
 * context fills. `truncateMiddle`: drop messages (or tokens) from the middle, keeping the system
 * prompt, the first message and the latest ones. `rollingWindow`: drop the oldest ones.
 */
export const ContextOverflowPolicy = z.enum(["error", "stopAtLimit", "truncateMiddle", "rollingWindow"]);
export type ContextOverflowPolicy = z.infer<typeof ContextOverflowPolicy>;

/** How the UI and the CLI word each policy. */
export const OVERFLOW_POLICY_LABELS: Record<ContextOverflowPolicy, string> = {
	error: "refuse when full",
	stopAtLimit: "stop at limit",
	truncateMiddle: "truncate middle",
	rollingWindow: "rolling window",
};
