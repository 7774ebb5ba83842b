import type { ContextOverflowPolicy } from "../api/ContextOverflowPolicy.js";
import type { KvCacheType } from "../api/native/NativeModels.js";
import type { StopReason } from "../api/StopReason.js";
import type { Generation } from "./Generation.js";

export interface ChatMessage {
	role: "system" | "user" | "assistant" | "tool";
	content: string;
	/** Functions the assistant called in this message. */
	toolCalls?: ToolCall[];
	/** For a tool message: the call whose result `content` is. */
	toolCallId?: string;
}

/** A function the model may call: its name, what it does, and a JSON schema of its parameters. */
export interface ToolDefinition {
	name: string;
	description?: string;
	parameters?: Record<string, unknown>;
}

export interface ToolCall {
	id: string;
	name: string;
	/** The parameters as JSON text. */
	arguments: string;
}

/** How a model is loaded. Every field is optional; `resolveLoadOptions` documents the defaults. */
export interface LoadOptions {
	/** Name the model is known by while loaded; defaults to its path. */
	id?: string;
	/** Tokens of context per parallel sequence. Default: 4096 (HEARTH_CONTEXT_LENGTH), capped at the model's trained length. */
	contextLength?: number;
	/** Layers offloaded to the GPU: a count, "max", or "auto" (as many as fit; default). Ignored without a GPU. */
	gpuLayers?: number | "max" | "auto";
	/** CPU threads. Default: HEARTH_THREADS, else the cores useful for math (never more than the cores). */
	threads?: number;
	/**
	 * Flash attention. Default: HEARTH_FLASH_ATTENTION, whose "auto" measures both on this machine at
	 * the model's first load and remembers the faster (see FlashAttentionChoice).
	 */
	flashAttention?: boolean;
	/**
	 * Memory-map the weights instead of reading them. Default: off on the CPU (llama.cpp repacks
	 * the weights there, and a map would keep a second copy resident), on with a GPU.
	 */
	mmap?: boolean;
	/** Seed used by requests that do not give one. Default: a new random seed per request. */
	seed?: number;
	/** Sequences that generate at the same time, each with its own `contextLength`. Default: 1. */
	parallel?: number;
	/** Tokens llama.cpp evaluates in one batch (a long prompt is several). Default: node-llama-cpp's (512, at most the context). */
	batchSize?: number;
	/** The KV cache's element type (keys, and values when flash attention is on). Default: f16. */
	kvCacheType?: KvCacheType;
	/**
	 * Take `parallel` as a maximum: load with the most sequences whose memory need fits in free RAM
	 * (at least 1), since each holds a whole context of KV cache. Default: exactly `parallel`.
	 */
	fitParallel?: boolean;
	/** Load even when the memory estimate says the model will not fit. Default: refuse. */
	force?: boolean;
	/**
	 * Prompt-lookup decoding: draft tokens from the prompt where the answer repeats it, verified in
	 * the next batch (drafting rests while drafts are mostly refused). Default: HEARTH_PROMPT_LOOKUP (on).
	 */
	promptLookup?: boolean;
	/**
	 * Keep conversations' KV states between turns (see KvStateCache). Default: on, within
	 * HEARTH_KV_CACHE_RAM_MB / HEARTH_KV_CACHE_DISK_MB. A benchmark turns it off: every repetition
	 * must evaluate its prompt.
	 */
	keepKvStates?: boolean;
	/** GGUF of a smaller model with the same vocabulary that drafts tokens for this one (speculative decoding). */
	draftModelPath?: string;
	/** The draft model drafts while it is at least this sure of its next token, 0 to 1. Default: 0.6 (node-llama-cpp's). */
	draftMinConfidence?: number;
}

export type { ContextOverflowPolicy };

/** Output constrained by a grammar: any JSON value, or JSON matching a schema. */
export type OutputFormat = { type: "json" } | { type: "json_schema"; schema: Record<string, unknown> };

/** Sampling shared by chat and completion requests. Unset fields take the documented defaults. */
export interface SamplingOptions {
	/** 0 is greedy. Default 0.8. */
	temperature?: number;
	/** Default 40; 0 disables. */
	topK?: number;
	/** Default 0.95; 1 disables. */
	topP?: number;
	/** Default 0.05; 0 disables. */
	minP?: number;
	/** Penalty for repeating any of the last 64 tokens. Default 1.1; 1 disables. */
	repeatPenalty?: number;
	/** Default 0. */
	presencePenalty?: number;
	/** Default 0. */
	frequencyPenalty?: number;
	/** Upper bound on generated tokens. Default: until end of sequence or the context is full. */
	maxTokens?: number;
	/** Generation ends before any of these strings; they do not appear in the output. */
	stop?: string[];
	/** Same seed, prompt and settings give the same tokens. Default: the model's seed, else random. */
	seed?: number;
	/**
	 * OpenAI's logit_bias: token id → a number from -100 to 100 added to that token's logit; -100
	 * bans it. An id outside the model's vocabulary is a RangeError.
	 */
	logitBias?: Record<number, number>;
	/** Constrain the output to JSON (by grammar, so it always parses unless cut short). */
	format?: OutputFormat;
	/** Default "error": never truncate silently. */
	contextOverflowPolicy?: ContextOverflowPolicy;
}

/**
 * Whether the model must call a tool: "auto" (it decides; the default), "none" (it may not: the
 * tools are not offered, as if absent), "required" (it must call one of `tools`), or a named tool
 * it must call (every tool is still documented in the prompt). A forced call is forced by grammar,
 * so its name is one of the tools and its arguments match the tool's schema; the model may make
 * more calls after it where its template has parallel calls. Forcing without tools, or naming a
 * tool not in `tools`, is a RangeError.
 */
export type ToolChoice = "auto" | "none" | "required" | { name: string };

export interface ChatRequest extends SamplingOptions {
	messages: ChatMessage[];
	/**
	 * Functions the model may call, through node-llama-cpp's function calling for the model's
	 * template. A call ends the answer with stop reason "tool_calls".
	 */
	tools?: ToolDefinition[];
	/** Default "auto". */
	toolChoice?: ToolChoice;
}

/**
 * A piece of an answer as it is generated: answer text, reasoning (the text a thinking model writes
 * inside its template's thinking tags, never part of the answer), or part of a tool call. Every
 * piece of a call carries its index in the answer, id and name; its first piece comes as soon as
 * the name is known (with an empty `argumentsDelta` from both engines), the next ones carry its
 * arguments (JSON text) as they are written, and they add up to the final call's `arguments`.
 */
export type GenerationChunk =
	| { type: "text"; text: string }
	| { type: "reasoning"; text: string }
	| { type: "toolCall"; index: number; id: string; name: string; argumentsDelta: string };

export interface CompletionRequest extends SamplingOptions {
	/** Raw text given to the model as is (special tokens in it are honoured). */
	prompt: string;
}

export type { StopReason };

export interface GenerationStats {
	promptTokens: number;
	generatedTokens: number;
	/** Milliseconds from the request reaching the runner to the first generated token. */
	timeToFirstTokenMs: number;
	/** Generated tokens after the first, per second since the first (llama.cpp's definition). */
	tokensPerSecond: number;
	/** Milliseconds the whole generation took, prompt processing included. */
	totalMs: number;
	stopReason: StopReason;
	/** The seed the sampler used, so an answer can be reproduced. */
	seed: number;
	/** Prompt tokens dropped by a truncating context overflow policy (0 when none). */
	truncatedPromptTokens: number;
	/** Prompt tokens reused from the sequence's cache (a chat's earlier turns), not evaluated again. */
	cachedPromptTokens: number;
	/** Tokens drafted (by prompt lookup or a draft model) and verified; absent when the model does not draft. */
	draftTokens?: number;
	/** Of those, the ones the model would have generated anyway: each saved a decode step. */
	acceptedDraftTokens?: number;
}

export interface GenerationResult {
	text: string;
	/** A thinking model's reasoning, separated from `text`; absent when it wrote none. */
	reasoning?: string;
	stats: GenerationStats;
	/** The functions the model called, when it did (stop reason "tool_calls"). */
	toolCalls?: ToolCall[];
}

export interface RenderedPrompt {
	/** The exact text given to the tokenizer, special tokens written out. */
	text: string;
	/** The tokens the model evaluates: the text's, after the beginning token llama.cpp's tokenizer adds (e.g. <s>). */
	tokens: number[];
	/** Where the template came from: the GGUF's own `tokenizer.chat_template`, or a fallback. */
	template: TemplateInfo;
}

export interface TemplateInfo {
	source: "gguf" | "fallback";
	/** node-llama-cpp chat wrapper that renders it, e.g. "JinjaTemplate" or "Llama2Chat". */
	wrapper: string;
}

/** Whether a loaded model uses flash attention, and what decided it. */
export interface FlashAttentionChoice {
	enabled: boolean;
	/**
	 * "request": the load asked; "setting": HEARTH_FLASH_ATTENTION on or off; "measured": probed
	 * during this load; "remembered": an earlier load's probe of the same file on this machine.
	 */
	chosenBy: "request" | "setting" | "measured" | "remembered";
	/** The probe's prediction at a chat's usual depth, when one decided. */
	probe?: { decidedAtDepth: number; onTokensPerSecond: number; offTokensPerSecond: number; probeMs: number };
}

export interface LoadedModel {
	id: string;
	path: string;
	/** Context length of each sequence. */
	contextLength: number;
	trainedContextLength: number;
	parallel: number;
	threads: number;
	/** Tokens evaluated in one batch; absent for an engine that does not say. */
	batchSize?: number;
	/** The KV cache's element type; absent for an engine that does not say. */
	kvCacheType?: KvCacheType;
	/** Backend llama.cpp runs on: "cpu", "cuda", "vulkan" or "metal". */
	gpu: string;
	gpuLayers: number;
	template: TemplateInfo;
	flashAttention: FlashAttentionChoice;
	/** How its sequences draft tokens ahead; absent for an engine that does not (or a model that drafts nothing). */
	speculation?: { promptLookup: boolean; draftModelPath?: string };
	/** Process id of the runner child process that holds the model. */
	pid: number;
	loadTimeMs: number;
}

export interface CallOptions {
	signal?: AbortSignal;
	/** For `load`: called as the model loads (the weights are most of the time), so a UI can show it. */
	onLoadProgress?: (progress: LoadProgress) => void;
}

/**
 * How far a load has come: the runner starting, the weights being read (most of the time), the
 * kernels being measured (a model's first load on a machine, see FlashAttentionChoice), the context being made.
 */
export interface LoadProgress {
	stage: "starting" | "weights" | "tuning" | "context";
	/** 0 to 1, over the whole load. */
	fraction: number;
}

export interface KvCacheUse {
	usedCells: number;
	totalCells: number;
}

/** What an engine runs on: its backend, the GPU memory it sees, and its versions. */
export interface EngineInfo {
	/** e.g. "llama.cpp via node-llama-cpp". */
	name: string;
	/** Backend models load on: "cpu", "cuda", "vulkan" or "metal". */
	backend: string;
	/** Backends this machine can run ("cpu" last); HEARTH_GPU / `--gpu` picks among them. */
	backends?: string[];
	/** Present when the backend is a GPU. */
	vram?: { totalBytes: number; freeBytes: number };
	/** Versions of the engine's parts, e.g. `{ nodeLlamaCpp: "3.21.1", llamaCpp: "b6000" }`. */
	versions: Record<string, string>;
}

/**
 * What runs models. The server, CLI and benchmarks depend on this interface only; the llama.cpp
 * implementation keeps each model in its own runner process.
 */
export interface Engine {
	load(modelPath: string, options?: LoadOptions, call?: CallOptions): Promise<LoadedModel>;
	unload(id: string): Promise<void>;
	listLoaded(): LoadedModel[];
	chat(id: string, request: ChatRequest, call?: CallOptions): Generation;
	complete(id: string, request: CompletionRequest, call?: CallOptions): Generation;
	/** The prompt a chat request would give the model, as text and tokens. */
	renderChat(id: string, messages: ChatMessage[], tools?: ToolDefinition[]): Promise<RenderedPrompt>;
	tokenize(id: string, text: string, options?: { special?: boolean }): Promise<number[]>;
	countTokens(id: string, text: string): Promise<number>;
	embed(id: string, inputs: string[]): Promise<number[][]>;
	/**
	 * How relevant each document is to the query, from 0 to 1, in the documents' order: a reranker
	 * model's score (its classification head over query and document together). A model without a
	 * ranking head fails with NotARerankerError.
	 */
	rank(id: string, query: string, documents: string[]): Promise<number[]>;
	/**
	 * The probability of each of `tokens` being the model's next token after `prompt` (raw text,
	 * special tokens honoured, as a completion's), from its whole distribution: a softmax of the
	 * logits at temperature 1, nothing cut off. No sampling, so the same prompt gives the same
	 * numbers: what multiple-choice scoring reads (see runEval).
	 */
	nextTokenProbabilities(id: string, prompt: string, tokens: number[]): Promise<number[]>;
	/** KV cache cells holding tokens now, over all of the model's sequences, and how many it has. */
	kvCacheUse(id: string): Promise<KvCacheUse>;
	/**
	 * GPU memory in use by the model's runner (weights, KV cache, buffers: llama.cpp allocates them
	 * at load, so this is also its peak); undefined on the CPU or for an engine that cannot tell.
	 */
	vramUsedBytes?(id: string): Promise<number | undefined>;
	/** Called when a model leaves memory, asked or not (`reason` says which). */
	onUnload(listener: (id: string, reason: "requested" | "crashed") => void): () => void;
	/** The backend and versions, for fit verdicts and status pages; may probe the hardware once. */
	describe(): Promise<EngineInfo>;
	dispose(): Promise<void>;
}
