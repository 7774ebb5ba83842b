import { z } from "zod";

/** Why an Ollama answer ended: "length" when a limit cut it, else "stop"; "load"/"unload" for an empty request. */
export const OllamaDoneReason = z.enum(["stop", "length", "load", "unload"]);
export type OllamaDoneReason = z.infer<typeof OllamaDoneReason>;

/** A model's family, size and quantization, as /api/tags, /api/ps and /api/show give them. */
export const OllamaModelDetails = z.object({
	parent_model: z.string(),
	format: z.literal("gguf"),
	family: z.string(),
	families: z.array(z.string()),
	/** e.g. "3.8B". */
	parameter_size: z.string(),
	/** e.g. "Q4_0". */
	quantization_level: z.string(),
});

/** One model in GET /api/tags. */
export const OllamaModel = z.object({
	name: z.string(),
	model: z.string(),
	/** ISO 8601. */
	modified_at: z.string(),
	/** Bytes on disk. */
	size: z.number(),
	digest: z.string(),
	details: OllamaModelDetails,
});
export type OllamaModel = z.infer<typeof OllamaModel>;

/** GET /api/tags */
export const OllamaTagsResponse = z.object({ models: z.array(OllamaModel) });
export type OllamaTagsResponse = z.infer<typeof OllamaTagsResponse>;

/** GET /api/ps: loaded models, with when each will be unloaded. */
export const OllamaPsResponse = z.object({
	models: z.array(
		OllamaModel.extend({
			/** ISO 8601: when the model leaves memory if nothing uses it. */
			expires_at: z.string(),
			/** Bytes of the model in VRAM (0 on the CPU). */
			size_vram: z.number(),
			context_length: z.number(),
		}),
	),
});
export type OllamaPsResponse = z.infer<typeof OllamaPsResponse>;

/** POST /api/show */
export const OllamaShowResponse = z.object({
	license: z.string(),
	modelfile: z.string(),
	parameters: z.string(),
	/** The GGUF's chat template. */
	template: z.string(),
	system: z.string(),
	details: OllamaModelDetails,
	/** GGUF metadata under its own keys (`general.architecture`, `<arch>.context_length`, …). */
	model_info: z.record(z.string(), z.unknown()),
	capabilities: z.array(z.string()),
	modified_at: z.string(),
});
export type OllamaShowResponse = z.infer<typeof OllamaShowResponse>;

/** The timings of a final object, in nanoseconds, and token counts. */
export const OllamaTimings = z.object({
	total_duration: z.number(),
	load_duration: z.number(),
	prompt_eval_count: z.number(),
	prompt_eval_duration: z.number(),
	eval_count: z.number(),
	eval_duration: z.number(),
});
export type OllamaTimings = z.infer<typeof OllamaTimings>;

const ChatHead = z.object({
	model: z.string(),
	/** ISO 8601. */
	created_at: z.string(),
	/** `thinking`: a thinking model's reasoning, apart from `content` (unless the request said `think: false`). */
	message: z.object({ role: z.literal("assistant"), content: z.string(), thinking: z.string().optional() }),
});

/** POST /api/chat: each streamed line before the last, and the last (or the only one, unstreamed). */
export const OllamaChatChunk = ChatHead.extend({ done: z.literal(false) });
export const OllamaChatFinal = ChatHead.extend({ done: z.literal(true), done_reason: OllamaDoneReason }).merge(
	OllamaTimings.partial(),
);
export type OllamaChatFinal = z.infer<typeof OllamaChatFinal>;

const GenerateHead = z.object({
	model: z.string(),
	created_at: z.string(),
	response: z.string(),
	/** A thinking model's reasoning, apart from `response`. */
	thinking: z.string().optional(),
});

/** POST /api/generate: the same as chat, with `response` for `message`. */
export const OllamaGenerateChunk = GenerateHead.extend({ done: z.literal(false) });
export const OllamaGenerateFinal = GenerateHead.extend({ done: z.literal(true), done_reason: OllamaDoneReason }).merge(
	OllamaTimings.partial(),
);
export type OllamaGenerateFinal = z.infer<typeof OllamaGenerateFinal>;

/** POST /api/embed */
export const OllamaEmbedResponse = z.object({
	model: z.string(),
	embeddings: z.array(z.array(z.number())),
	total_duration: z.number(),
	load_duration: z.number(),
	prompt_eval_count: z.number(),
});
export type OllamaEmbedResponse = z.infer<typeof OllamaEmbedResponse>;

/** POST /api/embeddings (legacy) */
export const OllamaLegacyEmbedResponse = z.object({ embedding: z.array(z.number()) });
export type OllamaLegacyEmbedResponse = z.infer<typeof OllamaLegacyEmbedResponse>;

/** POST /api/pull: one progress line (`digest`, `total`, `completed` while bytes arrive). */
export const OllamaPullProgress = z.object({
	status: z.string(),
	digest: z.string().optional(),
	total: z.number().optional(),
	completed: z.number().optional(),
});
export type OllamaPullProgress = z.infer<typeof OllamaPullProgress>;

/** Every Ollama error: `{"error": "…"}` with the HTTP status. */
export const OllamaError = z.object({ error: z.string() });
