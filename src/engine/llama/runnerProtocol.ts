import type { KvCacheType } from "../../api/native/NativeModels.js";
import type { GpuSetting, LogLevel } from "../../config/settings.js";
import type {
	ChatMessage,
	FlashAttentionChoice,
	GenerationChunk,
	GenerationResult,
	KvCacheUse,
	LoadedModel,
	LoadProgress,
	RenderedPrompt,
	SamplingOptions,
	TemplateInfo,
	ToolChoice,
	ToolDefinition,
} from "../Engine.js";
import type { KvCacheOptions } from "./KvStateCache.js";
import type { FlashAttentionProbe } from "./probeFlashAttention.js";
import type { SpeculationOptions } from "./Speculation.js";

/**
 * Messages between the engine (parent) and a runner child process, over Node's IPC channel with
 * structured-clone serialization. One runner holds one model.
 */

export interface RunnerLoadOptions {
	modelPath: string;
	gpu: GpuSetting;
	contextLength: number;
	gpuLayers: number | "max" | "auto";
	threads?: number;
	/** Decided by the parent, or "probe": measure both and take the faster (probeFlashAttention). */
	flashAttention:
		| (Omit<FlashAttentionChoice, "chosenBy"> & { chosenBy: Exclude<FlashAttentionChoice["chosenBy"], "measured"> })
		| "probe";
	/** undefined: off on the CPU, on with a GPU. */
	mmap?: boolean;
	/** RAM the model needs on the CPU; the runner refuses to load when less is available. Absent when forced. */
	requiredRamBytes?: number;
	parallel: number;
	batchSize?: number;
	kvCacheType?: KvCacheType;
	logLevel: LogLevel;
	/** The GGUF's chat template and the tokens it refers to, rendered once on trial before the weights load. */
	chatTemplate?: { template: string; bos?: string; eos?: string };
	/** The template is known to resolve to node-llama-cpp's Jinja wrapper: ask for it by name, skipping "auto" (~0.8 s). */
	jinjaWrapper?: boolean;
	speculation: SpeculationOptions;
	/** Where conversations' KV states are kept between turns; the runner adds the attention layout. Absent: none kept. */
	kvCache?: KvCacheOptions;
}

export type RunnerGenerateInput =
	| { kind: "chat"; messages: ChatMessage[]; tools?: ToolDefinition[]; toolChoice?: ToolChoice }
	| { kind: "completion"; prompt: string };

/** Sampling after defaults are applied; the seed is always chosen by the parent so it can be reported. */
export type ResolvedSampling = Required<Omit<SamplingOptions, "maxTokens" | "format">> &
	Pick<SamplingOptions, "maxTokens" | "format">;

export type RunnerRequest =
	| { type: "load"; options: RunnerLoadOptions }
	| { type: "generate"; id: number; input: RunnerGenerateInput; sampling: ResolvedSampling }
	| { type: "abort"; id: number }
	| { type: "render"; id: number; messages: ChatMessage[]; tools?: ToolDefinition[] }
	| { type: "tokenize"; id: number; text: string; special: boolean }
	| { type: "embed"; id: number; inputs: string[] }
	| { type: "rank"; id: number; query: string; documents: string[] }
	| { type: "nextTokens"; id: number; prompt: string; tokens: number[] }
	| { type: "kvUse"; id: number }
	| { type: "vram"; id: number }
	| { type: "shutdown" };

export type RunnerLoaded = Omit<LoadedModel, "id" | "path" | "pid" | "loadTimeMs"> & {
	template: TemplateInfo;
	/** The whole probe, when this load ran one, for the parent to remember. */
	flashAttentionProbe?: FlashAttentionProbe;
};

/** An error crossing the process boundary: its class name, message and the fields to rebuild it. */
export interface RunnerErrorPayload {
	name: string;
	message: string;
	data?: Record<string, number | string>;
}

export type RunnerReply =
	| { type: "loaded"; model: RunnerLoaded }
	| { type: "loadFailed"; error: RunnerErrorPayload }
	| { type: "loadProgress"; progress: LoadProgress }
	/** Around the trial render of the chat template: the parent kills a runner that does not finish in time. */
	| { type: "templateCheck"; phase: "start" | "done" }
	/** A piece of an answer as it is generated: text, reasoning or part of a tool call. */
	| { type: "chunk"; id: number; chunk: GenerationChunk }
	| { type: "generated"; id: number; result: GenerationResult }
	| { type: "rendered"; id: number; prompt: RenderedPrompt }
	| { type: "tokens"; id: number; tokens: number[] }
	| { type: "embeddings"; id: number; vectors: number[][] }
	| { type: "ranking"; id: number; scores: number[] }
	| { type: "nextTokenProbabilities"; id: number; probabilities: number[] }
	| { type: "kvUse"; id: number; use: KvCacheUse }
	| { type: "vram"; id: number; usedBytes?: number }
	| { type: "failed"; id: number; error: RunnerErrorPayload }
	| { type: "log"; level: LogLevel; message: string };
