import { z } from "zod";
import { ContextOverflowPolicy } from "../ContextOverflowPolicy.js";

/** Request fields OpenAI's chat and completions endpoints share, with llama.cpp's extra samplers. */
export const SamplingFields = {
	/** Stream the answer as server-sent events. */
	stream: z.boolean().nullish(),
	stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
	temperature: z.number().min(0).max(2).nullish(),
	top_p: z.number().min(0).max(1).nullish(),
	/** Not in OpenAI's API; llama.cpp's top-k. */
	top_k: z.number().int().min(0).nullish(),
	/** Not in OpenAI's API; llama.cpp's min-p. */
	min_p: z.number().min(0).max(1).nullish(),
	/** Not in OpenAI's API; llama.cpp's repeat penalty. */
	repeat_penalty: z.number().min(0).max(10).nullish(),
	presence_penalty: z.number().min(-2).max(2).nullish(),
	frequency_penalty: z.number().min(-2).max(2).nullish(),
	max_tokens: z.number().int().min(1).nullish(),
	/** OpenAI's newer name for max_tokens. */
	max_completion_tokens: z.number().int().min(1).nullish(),
	stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
	seed: z
		.number()
		.int()
		.min(0)
		.max(2 ** 32 - 1)
		.nullish(),
	/** Token id (as a string) → a bias from -100 to 100 added to its logit; -100 bans the token. */
	logit_bias: z.record(z.string().regex(/^\d+$/, "logit_bias keys are token ids"), z.number().min(-100).max(100)).nullish(),
	/** Only one choice is generated. */
	n: z.literal(1).nullish(),
	/** Log probabilities are not available. */
	logprobs: z.literal(false).nullish(),
	/** Hearth: what to do with a prompt longer than the context (LM Studio's policies); default "error". */
	context_overflow_policy: ContextOverflowPolicy.nullish(),
	/** LM Studio's: seconds the model stays loaded after this request. */
	ttl: z.number().int().min(0).nullish(),
} as const;
