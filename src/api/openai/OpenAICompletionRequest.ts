import { z } from "zod";
import { SamplingFields } from "./SamplingFields.js";

/** POST /v1/completions: raw text in, text out. */
export const OpenAICompletionRequest = z.looseObject({
	...SamplingFields,
	model: z.string().min(1),
	prompt: z.union([z.string(), z.array(z.string()).length(1)]),
	/** Text added after the completion; not supported. */
	suffix: z.null().optional(),
	echo: z.literal(false).nullish(),
});
export type OpenAICompletionRequest = z.infer<typeof OpenAICompletionRequest>;
