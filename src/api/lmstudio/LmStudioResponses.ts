import { z } from "zod";

/** LM Studio's names for why generation stopped. */
export const LmStudioStopReason = z.enum([
	"eosFound",
	"stopStringFound",
	"maxPredictedTokensReached",
	"userStopped",
	"contextLengthReached",
	"toolCalls",
]);
export type LmStudioStopReason = z.infer<typeof LmStudioStopReason>;

/** A model in GET /api/v0/models and /api/v0/models/{id}. */
export const LmStudioModel = z.object({
	id: z.string(),
	object: z.literal("model"),
	type: z.literal("llm"),
	publisher: z.string(),
	arch: z.string().optional(),
	compatibility_type: z.literal("gguf"),
	quantization: z.string().optional(),
	state: z.enum(["loaded", "not-loaded"]),
	max_context_length: z.number().optional(),
	/** Present while loaded. */
	loaded_context_length: z.number().optional(),
});
export type LmStudioModel = z.infer<typeof LmStudioModel>;

export const LmStudioModelList = z.object({ object: z.literal("list"), data: z.array(LmStudioModel) });
export type LmStudioModelList = z.infer<typeof LmStudioModelList>;

/** What LM Studio adds to OpenAI's chat and completion answers (the last chunk, when streamed). */
export const LmStudioExtras = z.object({
	stats: z.object({
		tokens_per_second: z.number(),
		/** Seconds. */
		time_to_first_token: z.number(),
		/** Seconds after the first token. */
		generation_time: z.number(),
		stop_reason: LmStudioStopReason,
		/** With speculative decoding (LM Studio's own names): drafted tokens, and those accepted and refused. */
		total_draft_tokens_count: z.number().optional(),
		accepted_draft_tokens_count: z.number().optional(),
		rejected_draft_tokens_count: z.number().optional(),
	}),
	model_info: z.object({
		arch: z.string().optional(),
		quant: z.string().optional(),
		format: z.literal("gguf"),
		context_length: z.number(),
	}),
	runtime: z.object({ name: z.string(), version: z.string(), supported_formats: z.array(z.string()) }),
});
export type LmStudioExtras = z.infer<typeof LmStudioExtras>;
