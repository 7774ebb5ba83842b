import { z } from "zod";
import { FitVerdict } from "../FitVerdict.js";

/**
 * The KV cache's element type. q8_0 halves the cache's memory and keeps answers as good (llama.cpp's
 * perplexity tests); q4_0 quarters it and costs some quality. A quantized value cache needs flash
 * attention: with it off only the keys are quantized.
 */
export const KvCacheType = z.enum(["f16", "q8_0", "q4_0"]);
export type KvCacheType = z.infer<typeof KvCacheType>;

/** A model in memory, as the native API reports it. */
export const LoadedModelView = z.object({
	/** The model's key. */
	id: z.string(),
	path: z.string(),
	/** Context length of each parallel sequence. */
	contextLength: z.number(),
	trainedContextLength: z.number(),
	parallel: z.number(),
	threads: z.number(),
	/** "cpu", "cuda", "vulkan" or "metal". */
	gpu: z.string(),
	gpuLayers: z.number(),
	/** Where the chat template comes from, and which wrapper renders it. */
	template: z.object({ source: z.enum(["gguf", "fallback"]), wrapper: z.string() }),
	/** Whether flash attention is on, and what chose it (a probe of both, on this machine, unless set). */
	flashAttention: z.object({
		enabled: z.boolean(),
		chosenBy: z.enum(["request", "setting", "measured", "remembered"]),
		probe: z
			.object({
				decidedAtDepth: z.number(),
				onTokensPerSecond: z.number(),
				offTokensPerSecond: z.number(),
				probeMs: z.number(),
			})
			.optional(),
	}),
	/** How its sequences draft tokens ahead (speculative decoding). */
	speculation: z.object({ promptLookup: z.boolean(), draftModelPath: z.string().optional() }).optional(),
	/** Tokens evaluated per batch, and the KV cache's element type (absent for an engine that does not say). */
	batchSize: z.number().optional(),
	kvCacheType: KvCacheType.optional(),
	pid: z.number(),
	loadTimeMs: z.number(),
	/** Requests generating or waiting now. */
	inFlight: z.number(),
	/** Of those, the ones waiting for a free sequence (they are admitted in order of arrival). */
	queued: z.number().default(0),
	/** Milliseconds since the last request (0 while in use). */
	idleMs: z.number(),
	ttlSeconds: z.number(),
	/** Epoch milliseconds of the idle unload; absent while in use. */
	expiresAt: z.number().optional(),
	/** Estimated RAM of the runner process. */
	memoryBytes: z.number().optional(),
});
export type LoadedModelView = z.infer<typeof LoadedModelView>;

/** A model being loaded: which stage it is in and how far the whole load has come (0 to 1). */
export const LoadingModelView = z.object({
	id: z.string(),
	progress: z.object({ stage: z.enum(["starting", "weights", "tuning", "context"]), fraction: z.number().min(0).max(1) }),
	elapsedMs: z.number(),
});
export type LoadingModelView = z.infer<typeof LoadingModelView>;

/** How a model is loaded: what a load request may set, and what config.json keeps as a model's defaults. */
export const LoadSettings = z.object({
	contextLength: z.number().int().min(16).optional(),
	gpuLayers: z.union([z.number().int().min(0), z.literal("max"), z.literal("auto")]).optional(),
	threads: z.number().int().min(1).optional(),
	flashAttention: z.boolean().optional(),
	parallel: z.number().int().min(1).max(64).optional(),
	/** Tokens evaluated per batch (default 512); `hearth bench --tune` may choose another. */
	batchSize: z.number().int().min(1).max(65_536).optional(),
	/** The KV cache's element type (default f16); `hearth bench --tune` tries q8_0. */
	kvCacheType: KvCacheType.optional(),
	/** Prompt-lookup decoding; default HEARTH_PROMPT_LOOKUP. */
	promptLookup: z.boolean().optional(),
	/** A model (key, short key or path) with the same vocabulary that drafts tokens for this one. */
	draft: z.string().min(1).optional(),
	/** How sure the draft model must be of a token to draft it (default 0.6). */
	draftMinConfidence: z.number().min(0).max(1).optional(),
});
export type LoadSettings = z.infer<typeof LoadSettings>;

/** A model on disk with its header facts, fit verdict and whether it is loaded. */
export const LocalModelView = z.object({
	key: z.string(),
	shortKey: z.string(),
	source: z.enum(["hearth", "folder", "lmstudio", "huggingface", "ollama"]),
	path: z.string(),
	paths: z.array(z.string()),
	sizeBytes: z.number(),
	deletable: z.boolean(),
	/** Why it cannot be used, when it cannot. */
	invalid: z.string().optional(),
	architecture: z.string().optional(),
	parameterCount: z.number().optional(),
	quantization: z.string().optional(),
	contextLength: z.number().optional(),
	fit: FitVerdict.optional(),
	/** Of the model's layers, how many the free VRAM holds (KV cache included); absent without a GPU. */
	gpuLayers: z.number().optional(),
	/** Layers in the model. */
	totalLayers: z.number().optional(),
	/** RAM needed on the CPU at the default context length. */
	memoryBytes: z.number().optional(),
	loaded: z.boolean(),
	/** Load settings saved for this model. */
	defaults: LoadSettings.optional(),
});
export type LocalModelView = z.infer<typeof LocalModelView>;

/** POST /hearth/models/load */
export const LoadRequest = LoadSettings.extend({
	model: z.string().min(1),
	ttlSeconds: z.number().int().min(0).optional(),
	/** Load even if the memory estimate says it will not fit. */
	force: z.boolean().optional(),
	/** Save these settings as the model's defaults (config.json), used whenever it is loaded. */
	saveAsDefaults: z.boolean().optional(),
});
export type LoadRequest = z.infer<typeof LoadRequest>;

/** POST /hearth/models/unload: one model, or all. */
export const UnloadRequest = z.union([z.object({ model: z.string().min(1) }), z.object({ all: z.literal(true) })]);
export type UnloadRequest = z.infer<typeof UnloadRequest>;

export const UnloadResponse = z.object({ unloaded: z.array(z.string()) });
export type UnloadResponse = z.infer<typeof UnloadResponse>;
