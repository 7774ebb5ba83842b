import { join, resolve } from "node:path";
import {
	type FlashAttentionSetting,
	type GpuSetting,
	type LogLevel,
	type PromptLookupSetting,
	readSetting,
} from "../../config/settings.js";
import { fitParallel } from "../../models/fit/fitParallel.js";
import { machineMemory } from "../../models/fit/machineMemory.js";
import { InvalidModelFileError } from "../../models/InvalidModelFileError.js";
import { readModelInfo } from "../../models/readModelInfo.js";
import { chooseBackend } from "../chooseBackend.js";
import type {
	CallOptions,
	ChatMessage,
	ChatRequest,
	CompletionRequest,
	Engine,
	EngineInfo,
	GenerationResult,
	KvCacheUse,
	LoadedModel,
	LoadOptions,
	RenderedPrompt,
	ToolDefinition,
} from "../Engine.js";
import { ModelNotLoadedError } from "../errors/ModelNotLoadedError.js";
import { NotARerankerError } from "../errors/NotARerankerError.js";
import { UnsupportedKvCacheTypeError } from "../errors/UnsupportedKvCacheTypeError.js";
import { Generation } from "../Generation.js";
import { resolveSampling } from "../resolveSampling.js";
import { detectGpu, type GpuInfo } from "./detectGpu.js";
import { engineVersions } from "./engineVersions.js";
import { FlashAttentionMemory, type ProbeSubject } from "./FlashAttentionMemory.js";
import { JinjaTemplateMemory } from "./JinjaTemplateMemory.js";
import { kvCacheOptions } from "./kvCacheOptions.js";
import { summary } from "./probeFlashAttention.js";
import { RunnerClient } from "./RunnerClient.js";
import type { RunnerGenerateInput, RunnerLoadOptions } from "./runnerProtocol.js";
import { supportedBackends } from "./supportedBackends.js";
import { TEMPLATE_LIMITS } from "./templateLimits.js";

export interface LlamaCppEngineOptions {
	/** Default: HEARTH_GPU. */
	gpu?: GpuSetting;
	/** Default: HEARTH_THREADS, else the runner picks the cores useful for math. */
	threads?: number;
	/** Default: HEARTH_CONTEXT_LENGTH. */
	contextLength?: number;
	/** Default: HEARTH_LOG_LEVEL. */
	logLevel?: LogLevel;
	/** Receives log lines of runners, llama.cpp's own included. Default: dropped. */
	onLog?: (level: LogLevel, message: string, modelId: string) => void;
	/** Where what loads learn is kept between processes (`cache/` under it). Default: HEARTH_HOME. */
	home?: string;
	/** MiB of saved KV states per tier (0: off). Default: HEARTH_KV_CACHE_RAM_MB and HEARTH_KV_CACHE_DISK_MB. */
	kvCache?: { ramMb: number; diskMb: number };
	/** Prompt-lookup decoding for loads that do not say. Default: HEARTH_PROMPT_LOOKUP. */
	promptLookup?: PromptLookupSetting;
	/** Flash attention for loads that do not say. Default: HEARTH_FLASH_ATTENTION of this process. */
	flashAttention?: FlashAttentionSetting;
}

interface Loaded {
	info: LoadedModel;
	client: RunnerClient;
	seed?: number;
	/** Tokens in the model's vocabulary, from its header: logit_bias ids must be below it. */
	vocabSize?: number;
}

type UnloadListener = (id: string, reason: "requested" | "crashed") => void;

/** The llama.cpp engine: every loaded model lives in its own runner process (node-llama-cpp inside). */
export class LlamaCppEngine implements Engine {
	private readonly models = new Map<string, Loaded>();
	private readonly loading = new Map<string, Promise<LoadedModel>>();
	private readonly unloadListeners = new Set<UnloadListener>();
	private described: Promise<EngineInfo> | undefined;

	private readonly jinjaTemplates: JinjaTemplateMemory;
	private readonly flashAttentionProbes: FlashAttentionMemory;

	constructor(private readonly options: LlamaCppEngineOptions = {}) {
		this.jinjaTemplates = new JinjaTemplateMemory(
			join(options.home ?? readSetting("home"), "cache", "chat-wrappers.json"),
			engineVersions().nodeLlamaCpp,
		);
		this.flashAttentionProbes = new FlashAttentionMemory(
			join(options.home ?? readSetting("home"), "cache", "flash-attention.json"),
		);
	}

	load(modelPath: string, options: LoadOptions = {}, call: CallOptions = {}): Promise<LoadedModel> {
		const path = resolve(modelPath);
		const id = options.id ?? path;
		const existing = this.models.get(id);
		if (existing) return Promise.resolve(existing.info);
		let loading = this.loading.get(id);
		if (!loading) {
			loading = this.start(id, path, options, call).finally(() => this.loading.delete(id));
			this.loading.set(id, loading);
		}
		return loading;
	}

	async unload(id: string): Promise<void> {
		const loaded = this.get(id);
		this.models.delete(id);
		await loaded.client.stop();
		this.emitUnload(id, "requested");
	}

	listLoaded(): LoadedModel[] {
		return [...this.models.values()].map((m) => m.info);
	}

	chat(id: string, request: ChatRequest, call: CallOptions = {}): Generation {
		const { messages, tools, toolChoice, ...sampling } = request;
		return this.generate(id, { kind: "chat", messages, tools, toolChoice }, sampling, call);
	}

	complete(id: string, request: CompletionRequest, call: CallOptions = {}): Generation {
		const { prompt, ...sampling } = request;
		return this.generate(id, { kind: "completion", prompt }, sampling, call);
	}

	async renderChat(id: string, messages: ChatMessage[], tools?: ToolDefinition[]): Promise<RenderedPrompt> {
		return (await this.get(id).client.request<"rendered">({ type: "render", messages, tools })).prompt;
	}

	async tokenize(id: string, text: string, options: { special?: boolean } = {}): Promise<number[]> {
		const reply = await this.get(id).client.request<"tokens">({ type: "tokenize", text, special: options.special ?? false });
		return reply.tokens;
	}

	async countTokens(id: string, text: string): Promise<number> {
		return (await this.tokenize(id, text)).length;
	}

	async embed(id: string, inputs: string[]): Promise<number[][]> {
		return (await this.get(id).client.request<"embeddings">({ type: "embed", inputs })).vectors;
	}

	async rank(id: string, query: string, documents: string[]): Promise<number[]> {
		try {
			return (await this.get(id).client.request<"ranking">({ type: "rank", query, documents })).scores;
		} catch (error) {
			// node-llama-cpp's words for a model without a ranking head.
			if (error instanceof Error && /rankings? is not supported|not supported for encoder-decoder/i.test(error.message))
				throw new NotARerankerError(id, error.message);
			throw error;
		}
	}

	async nextTokenProbabilities(id: string, prompt: string, tokens: number[]): Promise<number[]> {
		const loaded = this.get(id);
		const outside = tokens.find(
			(t) => !Number.isInteger(t) || t < 0 || (loaded.vocabSize !== undefined && t >= loaded.vocabSize),
		);
		if (outside !== undefined)
			throw new RangeError(`token ${outside} is not in the model's vocabulary of ${loaded.vocabSize} tokens`);
		const reply = await loaded.client.request<"nextTokenProbabilities">({ type: "nextTokens", prompt, tokens });
		return reply.probabilities;
	}

	async vramUsedBytes(id: string): Promise<number | undefined> {
		return (await this.get(id).client.request<"vram">({ type: "vram" })).usedBytes;
	}

	async kvCacheUse(id: string): Promise<KvCacheUse> {
		return (await this.get(id).client.request<"kvUse">({ type: "kvUse" })).use;
	}

	onUnload(listener: UnloadListener): () => void {
		this.unloadListeners.add(listener);
		return () => this.unloadListeners.delete(listener);
	}

	describe(): Promise<EngineInfo> {
		// Probing loads llama.cpp's binding once, so the answer (VRAM included) is kept for the life
		// of the engine: fit verdicts need the card's size more than its free bytes to the minute.
		this.described ??= detectGpu(this.options.gpu ?? readSetting("gpu"))
			.catch((): GpuInfo => ({ backend: "cpu", available: ["cpu"] }))
			.then((gpu) => ({
				name: "llama.cpp via node-llama-cpp",
				backend: gpu.backend,
				backends: gpu.available,
				vram: gpu.vram,
				versions: engineVersions(),
			}));
		return this.described;
	}

	async dispose(): Promise<void> {
		await Promise.allSettled([...this.loading.values()]);
		await Promise.all([...this.models.keys()].map((id) => this.unload(id)));
	}

	private generate(
		id: string,
		input: RunnerGenerateInput,
		sampling: ChatRequest | CompletionRequest | object,
		call: CallOptions,
	): Generation {
		return new Generation(async (emit): Promise<GenerationResult> => {
			const loaded = this.get(id);
			const resolved = resolveSampling(sampling, loaded.seed);
			const outside = Object.keys(resolved.logitBias).find(
				(token) => loaded.vocabSize !== undefined && Number(token) >= loaded.vocabSize,
			);
			if (outside !== undefined)
				throw new RangeError(
					`logit_bias names token ${outside}, but the model's vocabulary has ${loaded.vocabSize} tokens (0 to ${(loaded.vocabSize ?? 0) - 1})`,
				);
			const reply = await loaded.client.request<"generated">({ type: "generate", input, sampling: resolved }, emit, call.signal);
			return reply.result;
		});
	}

	private async start(id: string, path: string, options: LoadOptions, call: CallOptions): Promise<LoadedModel> {
		const started = performance.now();
		const contextLength = options.contextLength ?? this.options.contextLength ?? readSetting("contextLength");
		const log = (level: LogLevel, message: string) => this.options.onLog?.(level, message, id);
		// Refuse broken or truncated files before any native code sees them, and learn the memory need.
		const need = async (sequences: number) => readModelInfo(path, { contextLength, sequences });
		let parallel = options.parallel ?? 1;
		if (options.fitParallel && !options.force && parallel > 1) {
			const wanted = parallel;
			parallel = await fitParallel(
				wanted,
				machineMemory().ramAvailableBytes,
				async (n) => (await need(n)).memory.cpuOnlyRamBytes,
			);
			if (parallel < wanted)
				log(
					"warn",
					`${parallel} parallel sequence(s) instead of ${wanted}: each needs a ${contextLength}-token KV cache, and free RAM holds only that many`,
				);
		}
		const header = await need(parallel);
		// A draft model is loaded beside the model, with a context of the same size per sequence.
		const draftNeed = options.draftModelPath
			? (await readModelInfo(options.draftModelPath, { contextLength, sequences: parallel })).memory.cpuOnlyRamBytes
			: 0;
		const kvCacheType = options.kvCacheType ?? "f16";
		if (kvCacheType !== "f16" && header.keyLength !== undefined && header.keyLength % 32 !== 0)
			throw new UnsupportedKvCacheTypeError(kvCacheType, header.keyLength);
		const template = header.chatTemplate;
		if (template !== undefined && Buffer.byteLength(template) > TEMPLATE_LIMITS.maxBytes)
			throw new InvalidModelFileError(
				path,
				`its chat template is ${Math.round(Buffer.byteLength(template) / 1024)} KiB; Hearth refuses templates over ${TEMPLATE_LIMITS.maxBytes / 1024} KiB (real ones are a few KiB)`,
			);
		const gpu = this.options.gpu ?? readSetting("gpu");
		// A backend named but missing is refused here, in words, before a runner starts.
		if (gpu !== "auto" && gpu !== "off") chooseBackend(gpu, await supportedBackends());
		const gpuLayers = options.gpuLayers ?? "auto";
		const threads = options.threads ?? this.options.threads ?? readSetting("threads");
		const probeSubject: ProbeSubject = { modelPath: path, gpu, gpuLayers, threads, engineVersion: engineVersions().llamaCpp };
		const { client, loaded } = await RunnerClient.start(
			id,
			{
				modelPath: path,
				gpu,
				contextLength,
				gpuLayers,
				threads,
				flashAttention: this.flashAttentionFor(options, probeSubject),
				mmap: options.mmap,
				parallel,
				batchSize: options.batchSize,
				kvCacheType,
				requiredRamBytes: options.force ? undefined : header.memory.cpuOnlyRamBytes + draftNeed,
				logLevel: this.options.logLevel ?? readSetting("logLevel"),
				chatTemplate:
					template === undefined
						? undefined
						: {
								template,
								bos: header.specialTokens.bos?.text,
								eos: header.specialTokens.eos?.text,
							},
				jinjaWrapper: template !== undefined && this.jinjaTemplates.has(template),
				speculation: {
					promptLookup: options.promptLookup ?? this.options.promptLookup ?? readSetting("promptLookup"),
					draftModelPath: options.draftModelPath,
					draftMinConfidence: options.draftMinConfidence,
				},
				kvCache:
					options.keepKvStates === false
						? undefined
						: kvCacheOptions(
								this.options.home ?? readSetting("home"),
								probeSubject,
								this.options.kvCache ?? { ramMb: readSetting("kvCacheRamMb"), diskMb: readSetting("kvCacheDiskMb") },
							),
			},
			log,
			call.signal,
			call.onLoadProgress,
		);
		if (template !== undefined && loaded.template.source === "gguf" && loaded.template.wrapper === "JinjaTemplate")
			this.jinjaTemplates.add(template);
		const { flashAttentionProbe, ...facts } = loaded;
		if (flashAttentionProbe) {
			this.flashAttentionProbes.set(probeSubject, flashAttentionProbe);
			const { onTokensPerSecond: on, offTokensPerSecond: off, decidedAtDepth: depth } = flashAttentionProbe;
			log(
				"info",
				`flash attention ${facts.flashAttention.enabled ? "on" : "off"}: measured ${on.toFixed(1)} tok/s on vs ${off.toFixed(1)} off at a depth of ${depth} tokens (once for this model on this machine)`,
			);
		}
		const info: LoadedModel = { id, path, pid: client.pid, loadTimeMs: performance.now() - started, ...facts };
		this.models.set(id, { info, client, seed: options.seed, vocabSize: header.vocabSize });
		client.onExit(() => {
			if (this.models.get(id)?.client !== client) return;
			this.models.delete(id);
			log("error", `runner of ${id} exited unexpectedly; the model was unloaded`);
			this.emitUnload(id, "crashed");
		});
		return info;
	}

	/** The load's own choice, else the setting's, else an earlier probe's on this machine, else a probe now. */
	private flashAttentionFor(options: LoadOptions, subject: ProbeSubject): RunnerLoadOptions["flashAttention"] {
		if (options.flashAttention !== undefined) return { enabled: options.flashAttention, chosenBy: "request" };
		const setting = this.options.flashAttention ?? readSetting("flashAttention");
		if (setting !== "auto") return { enabled: setting === "on", chosenBy: "setting" };
		const remembered = this.flashAttentionProbes.get(subject);
		if (remembered) return { enabled: remembered.flashAttention, chosenBy: "remembered", probe: summary(remembered) };
		return "probe";
	}

	private get(id: string): Loaded {
		const loaded = this.models.get(id);
		if (!loaded) throw new ModelNotLoadedError(id);
		return loaded;
	}

	private emitUnload(id: string, reason: "requested" | "crashed"): void {
		for (const listener of this.unloadListeners) listener(id, reason);
	}
}
