import { z } from "zod";

/** Ollama's `options`: the runtime parameters it documents; unknown ones are accepted and ignored, as Ollama does. */
export const OllamaOptions = z.looseObject({
	num_ctx: z.number().int().min(16).optional(),
	/** Tokens to generate at most: a positive count, or -1 / -2 for "until the model stops" (Ollama's "infinite" and "fill the context"). */
	num_predict: z
		.number()
		.int()
		.refine((n) => n > 0 || n === -1 || n === -2, "num_predict is a positive count, -1 or -2")
		.optional(),
	temperature: z.number().min(0).max(100).optional(),
	top_k: z.number().int().min(0).optional(),
	top_p: z.number().min(0).max(1).optional(),
	min_p: z.number().min(0).max(1).optional(),
	repeat_penalty: z.number().min(0).optional(),
	presence_penalty: z.number().min(-2).max(2).optional(),
	frequency_penalty: z.number().min(-2).max(2).optional(),
	stop: z.union([z.string(), z.array(z.string())]).optional(),
	seed: z.number().int().optional(),
	num_thread: z.number().int().min(1).optional(),
	num_gpu: z.number().int().optional(),
});
export type OllamaOptions = z.infer<typeof OllamaOptions>;

/** Ollama's keep_alive: seconds, or a duration such as "5m", "1h30m", "0" (unload now), "-1" (forever). */
export const KeepAlive = z.union([z.number(), z.string()]);

/** `think`: whether a thinking model's reasoning is returned (as `thinking`); levels count as true. */
export const OllamaThink = z.union([z.boolean(), z.enum(["low", "medium", "high"])]);

/** `format`: "json", or a JSON schema the output must match. */
export const OllamaFormat = z.union([z.literal("json"), z.literal(""), z.record(z.string(), z.unknown())]);

export const OllamaMessage = z.looseObject({
	role: z.enum(["system", "user", "assistant"]),
	content: z.string(),
	images: z.array(z.string()).max(0, "images are not supported").optional(),
});

export const OllamaChatRequest = z.looseObject({
	model: z.string().min(1),
	messages: z.array(OllamaMessage).default([]),
	stream: z.boolean().default(true),
	format: OllamaFormat.optional(),
	options: OllamaOptions.optional(),
	keep_alive: KeepAlive.optional(),
	tools: z.array(z.unknown()).max(0, "tools are not supported").optional(),
	think: OllamaThink.optional(),
});
export type OllamaChatRequest = z.infer<typeof OllamaChatRequest>;

export const OllamaGenerateRequest = z.looseObject({
	model: z.string().min(1),
	prompt: z.string().default(""),
	system: z.string().optional(),
	/** The prompt goes to the model as is, no chat template. */
	raw: z.boolean().optional(),
	stream: z.boolean().default(true),
	format: OllamaFormat.optional(),
	options: OllamaOptions.optional(),
	keep_alive: KeepAlive.optional(),
	images: z.array(z.string()).max(0, "images are not supported").optional(),
	suffix: z.string().max(0, "suffix (fill-in-the-middle) is not supported").optional(),
	think: OllamaThink.optional(),
});
export type OllamaGenerateRequest = z.infer<typeof OllamaGenerateRequest>;

export const OllamaEmbedRequest = z.looseObject({
	model: z.string().min(1),
	input: z.union([z.string(), z.array(z.string()).min(1)]),
	truncate: z.boolean().optional(),
	options: OllamaOptions.optional(),
	keep_alive: KeepAlive.optional(),
});
export type OllamaEmbedRequest = z.infer<typeof OllamaEmbedRequest>;

/** The legacy POST /api/embeddings: one `prompt`, one `embedding` back. */
export const OllamaLegacyEmbedRequest = z.looseObject({
	model: z.string().min(1),
	prompt: z.string(),
	options: OllamaOptions.optional(),
	keep_alive: KeepAlive.optional(),
});
export type OllamaLegacyEmbedRequest = z.infer<typeof OllamaLegacyEmbedRequest>;

/** /api/show, /api/delete and /api/pull name the model as `model` (or the older `name`). */
export const OllamaModelRequest = z
	.looseObject({ model: z.string().min(1).optional(), name: z.string().min(1).optional(), stream: z.boolean().default(true) })
	.refine((r) => r.model ?? r.name, { message: "model is required", path: ["model"] })
	.transform((r) => ({ model: (r.model ?? r.name) as string, stream: r.stream }));
