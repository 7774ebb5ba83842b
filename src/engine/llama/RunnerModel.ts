import { join } from "node:path";
import {
	type ChatWrapper,
	type Llama,
	type LlamaCompletion,
	type LlamaCompletionGenerationOptions,
	type LlamaContext,
	type LlamaContextSequence,
	type LlamaEmbeddingContext,
	type LlamaModel,
	type LlamaRankingContext,
	type LlamaText,
	SpecialToken,
	SpecialTokensText,
	type Token,
	TokenBias,
} from "node-llama-cpp";
import type { KvCacheType } from "../../api/native/NativeModels.js";
import type {
	ChatMessage,
	FlashAttentionChoice,
	GenerationChunk,
	GenerationResult,
	KvCacheUse,
	LoadProgress,
	RenderedPrompt,
	StopReason,
	TemplateInfo,
	ToolCall,
	ToolDefinition,
} from "../Engine.js";
import { ContextOverflowError } from "../errors/ContextOverflowError.js";
import { type ResolvedToolChoice, resolveToolChoice } from "../resolveToolChoice.js";
import { AnswerRecorder } from "./AnswerRecorder.js";
import { chatResponse } from "./chatResponse.js";
import { DecodePause } from "./DecodePause.js";
import { type FittedPrompt, fitPrompt, type PromptToFit } from "./fitPrompt.js";
import { JsonGrammars } from "./JsonGrammars.js";
import { KvStateCache } from "./KvStateCache.js";
import { type FlashAttentionProbe, probeFlashAttention, summary } from "./probeFlashAttention.js";
import { resolveModelChatWrapper } from "./resolveModelChatWrapper.js";
import type { ResolvedSampling, RunnerGenerateInput, RunnerLoaded, RunnerLoadOptions } from "./runnerProtocol.js";
import { type AcquiredSequence, SequencePool } from "./SequencePool.js";
import { Speculation } from "./Speculation.js";
import { toChatHistory, toFunctions } from "./toChatHistory.js";
import { toLlamaSampling } from "./toLlamaSampling.js";
import { toStopReason } from "./toStopReason.js";

/** node-llama-cpp's names (GgmlType keys) for the cache types Hearth offers. */
const GGML_TYPES = { f16: "F16", q8_0: "Q8_0", q4_0: "Q4_0" } as const satisfies Record<KvCacheType, string>;
const ggmlType = (type: KvCacheType) => GGML_TYPES[type];

const NO_TOOLS: ResolvedToolChoice = { offered: [], forced: undefined };

const NO_TOKENS = {
	generatedTokens: 0,
	timeToFirstTokenMs: 0,
	tokensPerSecond: 0,
	stopReason: "user_stopped",
	cachedPromptTokens: 0,
} as const;

/** A chat rendered by the model's template, with the template's own stop triggers. */
type Rendered = Omit<RenderedPrompt, "tokens"> & { tokens: Token[]; stopTriggers: LlamaText[] };

/** What each generation gives node-llama-cpp besides sampling: its limit and stop signal. */
type Limits = Required<Pick<LlamaCompletionGenerationOptions, "maxTokens" | "signal" | "stopOnAbortSignal">>;

/** A completion's callbacks on top of its limits. */
type RunOptions = Limits & Required<Pick<LlamaCompletionGenerationOptions, "onToken" | "onTextChunk">>;

/**
 * One loaded model inside a runner process: its context with `parallel` sequences, the chat
 * wrapper that renders its template, and generation on a free sequence. Chat prompts are rendered
 * and tokenized here and given to llama.cpp as tokens, so what the model sees is exactly what
 * `render` reports.
 */
export class RunnerModel {
	private readonly sequences: SequencePool;
	private readonly pause = new DecodePause();
	private readonly grammars: JsonGrammars;
	private embeddingContext: Promise<LlamaEmbeddingContext> | undefined;
	private rankingContext: Promise<LlamaRankingContext> | undefined;

	private constructor(
		private readonly llama: Llama,
		private readonly model: LlamaModel,
		private readonly context: LlamaContext,
		private readonly chatWrapper: ChatWrapper,
		readonly info: RunnerLoaded,
		private readonly kvStates: KvStateCache | undefined,
		private readonly speculation: Speculation,
	) {
		this.sequences = SequencePool.of(context, info.parallel, this.pause, () => speculation.drafter());
		this.grammars = new JsonGrammars(llama);
	}

	static async load(
		llama: Llama,
		options: RunnerLoadOptions,
		onProgress: (progress: LoadProgress) => void = () => {},
		log: (message: string) => void = () => {},
	): Promise<RunnerModel> {
		// Reading the weights is nearly all of a load; node-llama-cpp reports it many times a second,
		// so only whole percents that move forward are passed on. Its reports cross threads and can
		// arrive after loadModel resolves: those are dropped, so the stages stay in order.
		let reported = -1;
		let weightsRead = false;
		const model = await llama.loadModel({
			onLoadProgress: (weights) => {
				// Measured on Phi-3-mini q4 (CPU, 2 cores): weights ~70% of a load, the context ~25%.
				const fraction = Math.round((0.05 + 0.75 * weights) * 100) / 100;
				if (weightsRead || fraction <= reported) return;
				reported = fraction;
				onProgress({ stage: "weights", fraction });
			},
			modelPath: options.modelPath,
			gpuLayers: options.gpuLayers,
			// On the CPU llama.cpp repacks the weights into its own buffers; a map would keep the file's
			// pages resident as well (measured: 5.8 instead of 3.9 GB for Phi-3-mini q4 at 4k context).
			useMmap: options.mmap ?? llama.gpu !== false,
		});
		// A small file is read before its first report arrives: the weights stage still shows, done.
		weightsRead = true;
		if (reported < 0.8) onProgress({ stage: "weights", fraction: 0.8 });
		const contextLength = Math.min(options.contextLength, model.trainContextSize);
		const threads = options.threads ?? llama.cpuMathCores;
		let flashAttention: FlashAttentionChoice;
		let flashAttentionProbe: FlashAttentionProbe | undefined;
		if (options.flashAttention === "probe") {
			onProgress({ stage: "tuning", fraction: 0.8 });
			flashAttentionProbe = await probeFlashAttention(model, { threads, decideAtDepth: contextLength >> 2 });
			flashAttention = { enabled: flashAttentionProbe.flashAttention, chosenBy: "measured", probe: summary(flashAttentionProbe) };
		} else flashAttention = options.flashAttention;
		onProgress({ stage: "context", fraction: 0.85 });
		const kvCacheType = options.kvCacheType ?? "f16";
		const context = await model.createContext({
			contextSize: contextLength,
			sequences: options.parallel,
			threads,
			flashAttention: flashAttention.enabled,
			batchSize: options.batchSize,
			// llama.cpp refuses a quantized value cache without flash attention; the keys alone still halve.
			experimentalKvCacheKeyType: ggmlType(kvCacheType),
			experimentalKvCacheValueType: flashAttention.enabled ? ggmlType(kvCacheType) : "F16",
		});
		const speculation = await Speculation.load(llama, model, options.speculation, {
			contextSize: contextLength,
			sequences: options.parallel,
			threads,
			flashAttention: flashAttention.enabled,
		});
		const chatWrapper = resolveModelChatWrapper(model, options.jinjaWrapper);
		const hasTemplate = typeof model.fileInfo.metadata.tokenizer?.chat_template === "string";
		const template: TemplateInfo = { source: hasTemplate ? "gguf" : "fallback", wrapper: chatWrapper.wrapperName };
		const info: RunnerLoaded = {
			contextLength: context.contextSize,
			trainedContextLength: model.trainContextSize,
			parallel: options.parallel,
			threads,
			batchSize: context.batchSize,
			kvCacheType,
			gpu: llama.gpu === false ? "cpu" : llama.gpu,
			gpuLayers: model.gpuLayers,
			template,
			flashAttention,
			flashAttentionProbe,
			speculation: speculation.info,
		};
		// A state saved with flash attention on lays V out transposed differently, and llama.cpp
		// refuses one saved from a context with another number of sequences ("n_stream mismatch"):
		// each layout has its folder.
		// So does one whose cache has another element type.
		const layout = `fa-${flashAttention.enabled ? "on" : "off"}-p${info.parallel}${kvCacheType === "f16" ? "" : `-${kvCacheType}`}`;
		const kv = options.kvCache;
		const kvStates =
			kv &&
			(await KvStateCache.open(
				{ ...kv, ramDir: kv.ramDir && join(kv.ramDir, layout), diskDir: kv.diskDir && join(kv.diskDir, layout) },
				log,
			));
		return new RunnerModel(llama, model, context, chatWrapper, info, kvStates, speculation);
	}

	/** OpenAI's logit_bias on this model's tokenizer: added to the logit, -100 bans the token. */
	private tokenBias(sampling: ResolvedSampling): TokenBias | undefined {
		const entries = Object.entries(sampling.logitBias);
		if (entries.length === 0) return undefined;
		const bias = new TokenBias(this.model.tokenizer);
		for (const [token, value] of entries) bias.set(Number(token) as Token, value <= -100 ? "never" : { logit: value });
		return bias;
	}

	render(messages: ChatMessage[], tools: readonly ToolDefinition[] = []): Rendered {
		const history = toChatHistory(messages);
		// The answer is a new model turn, unless the last turn is the model's own (tool results to go on from).
		if (history.at(-1)?.type !== "model") history.push({ type: "model", response: [] });
		const state = this.chatWrapper.generateContextState({
			chatHistory: history,
			availableFunctions: tools.length ? toFunctions(tools) : undefined,
		});
		return {
			text: this.textOf(state.contextText),
			// With the beginning token llama.cpp's tokenizer puts first: the tokens the model sees.
			tokens: this.withBeginning(state.contextText.tokenize(this.model.tokenizer)),
			template: this.info.template,
			stopTriggers: state.stopGenerationTriggers,
		};
	}

	/** The beginning-of-sequence token llama.cpp puts before a prompt for this model, if any. */
	private get beginning(): Token | null {
		return this.model.tokens.shouldPrependBosToken ? this.model.tokens.bos : null;
	}

	private withBeginning(tokens: Token[]): Token[] {
		const beginning = this.beginning;
		return beginning !== null && tokens[0] !== beginning ? [beginning, ...tokens] : tokens;
	}

	tokenize(text: string, special: boolean): Token[] {
		return this.model.tokenize(text, special);
	}

	async embed(inputs: string[]): Promise<number[][]> {
		this.embeddingContext ??= this.model.createEmbeddingContext({
			contextSize: Math.min(this.info.contextLength, 2048),
			threads: this.info.threads,
		});
		const context = await this.embeddingContext;
		const vectors: number[][] = [];
		for (const input of inputs) vectors.push([...(await context.getEmbeddingFor(input)).vector]);
		return vectors;
	}

	/** Scores in the documents' order; the ranking context is made on the first call and kept. */
	async rank(query: string, documents: string[]): Promise<number[]> {
		this.rankingContext ??= this.model.createRankingContext({
			contextSize: Math.min(this.info.contextLength, 2048),
			threads: this.info.threads,
		});
		let context: LlamaRankingContext;
		try {
			context = await this.rankingContext;
		} catch (error) {
			this.rankingContext = undefined; // a model without a ranking head fails every time, cheaply
			throw error;
		}
		return await context.rankAll(query, documents);
	}

	/** GPU memory this process uses (it holds one model); undefined on the CPU. */
	async vramUsedBytes(): Promise<number | undefined> {
		if (this.llama.gpu === false) return undefined;
		return (await this.llama.getVramState()).used;
	}

	/** Tokens the sequences hold (a free one keeps its last conversation's), of their whole capacity. */
	kvCacheUse(): KvCacheUse {
		const used = this.sequences.all.reduce((sum, sequence) => sum + sequence.nextTokenIndex, 0);
		return { usedCells: used, totalCells: this.info.contextLength * this.info.parallel };
	}

	/**
	 * Probabilities of `candidates` as the next token after `prompt`, on a pooled sequence (so it
	 * queues with generations). The
	 * sampler is set to take nothing away — temperature 1, no top-k/top-p/min-p — so the numbers are
	 * the model's softmax; node-llama-cpp's greedy default would report only the top token.
	 */
	async nextTokenProbabilities(prompt: string, candidates: readonly number[]): Promise<number[]> {
		const tokens = this.withBeginning(this.model.tokenize(prompt, true));
		if (tokens.length >= this.info.contextLength) throw new ContextOverflowError(tokens.length, this.info.contextLength);
		const { pooled } = await this.sequences.acquire(tokens, new AbortController().signal);
		try {
			// Evaluated whole, whatever the sequence holds: a prompt split differently between
			// batches gives logits a float's rounding apart (measured: 6e-8), and a score must not
			// depend on what ran before it. An eval's prompts share only a few template tokens anyway.
			await this.pause.eraseBeyond(pooled.sequence, tokens, 0);
			const rest = [...tokens] as Token[];
			const last = rest.pop() as Token;
			const output = await pooled.sequence.controlledEvaluate([
				...rest,
				[last, { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } }],
			]);
			const probabilities = output.at(-1)?.next.probabilities;
			if (!probabilities) throw new Error("llama.cpp returned no probabilities for the next token");
			return candidates.map((token) => probabilities.get(token as Token) ?? 0);
		} finally {
			this.sequences.release(pooled);
		}
	}

	async generate(
		input: RunnerGenerateInput,
		sampling: ResolvedSampling,
		signal: AbortSignal,
		emit: (chunk: GenerationChunk) => void,
	): Promise<GenerationResult> {
		const started = performance.now();
		const { offered: tools, forced } = input.kind === "chat" ? resolveToolChoice(input.tools, input.toolChoice) : NO_TOOLS;
		if (tools.length && sampling.format) throw new RangeError("tools and a JSON response format cannot be combined");
		const fitted = fitPrompt(this.promptToFit(input, tools), {
			contextLength: this.info.contextLength,
			maxTokens: sampling.maxTokens,
			policy: sampling.contextOverflowPolicy,
		});
		const { tokens: prompt, truncatedPromptTokens } = fitted;
		let acquired: AcquiredSequence;
		try {
			acquired = await this.sequences.acquire(prompt, signal);
		} catch (error) {
			if (!signal.aborted) throw error;
			const totalMs = performance.now() - started;
			return {
				text: "",
				stats: { ...NO_TOKENS, promptTokens: prompt.length, totalMs, seed: sampling.seed, truncatedPromptTokens },
			};
		}
		const { pooled } = acquired;
		let cachedPromptTokens = acquired.cachedPromptTokens;
		try {
			if (this.kvStates)
				cachedPromptTokens = await this.kvStates.prepare(pooled.sequence, prompt, cachedPromptTokens, this.pause);
			await this.pause.eraseBeyond(pooled.sequence, prompt, cachedPromptTokens);
		} catch (error) {
			this.sequences.release(pooled);
			throw error;
		}
		const predictionsBefore = pooled.sequence.tokenPredictions;
		const answer = new AnswerRecorder({ chat: input.kind === "chat", stop: sampling.stop, emit });
		const limits: Limits = {
			maxTokens: fitted.maxTokens,
			signal: AbortSignal.any([signal, answer.halted]),
			stopOnAbortSignal: true,
		};
		// LlamaChat for tools, and for a thinking model's reasoning; a JSON format is a grammar over
		// the whole answer (no room for thinking), which a plain completion of the prompt applies.
		const viaChat = fitted.messages !== undefined && (tools.length > 0 || (this.thinks && !sampling.format));
		let stopReason: StopReason;
		let toolCalls: ToolCall[] | undefined;
		try {
			const generated = viaChat
				? await chatResponse(
						pooled.sequence,
						this.chatWrapper,
						{ messages: fitted.messages ?? [], tools, forced },
						{ ...toLlamaSampling(sampling, undefined, this.tokenBias(sampling)), ...limits },
						answer,
						emit,
					)
				: await this.complete(pooled.completion, fitted, sampling, {
						...limits,
						onToken: answer.onToken,
						onTextChunk: answer.onTextChunk,
					});
			toolCalls = generated.toolCalls;
			stopReason = toStopReason(generated.stopReason, {
				stopString: answer.stopped,
				toolCalls: toolCalls?.length ?? 0,
				onMaxTokens: fitted.onMaxTokens,
			});
		} catch (error) {
			// An abort before the first token throws instead of returning what was generated.
			if (!limits.signal.aborted) throw error;
			stopReason = answer.stopped ? "stop_string" : "user_stopped";
		} finally {
			this.sequences.release(pooled);
		}
		const drafts = this.draftsSince(predictionsBefore, pooled.sequence);
		answer.flush();
		const ended = performance.now();
		return {
			text: answer.text,
			...(answer.reasoning ? { reasoning: answer.reasoning } : {}),
			stats: {
				promptTokens: prompt.length,
				...answer.speed(started, ended),
				totalMs: ended - started,
				stopReason,
				seed: sampling.seed,
				truncatedPromptTokens,
				cachedPromptTokens,
				...drafts,
			},
			...(toolCalls?.length ? { toolCalls } : {}),
		};
	}

	/** Drafted and accepted tokens of one generation, from the sequence's counters; nothing when the model does not draft. */
	private draftsSince(
		before: LlamaContextSequence["tokenPredictions"],
		sequence: LlamaContextSequence,
	): { draftTokens?: number; acceptedDraftTokens?: number } {
		if (!this.speculation.drafts) return {};
		const after = sequence.tokenPredictions;
		const accepted = after.validated - before.validated;
		return { draftTokens: accepted + after.refuted - before.refuted, acceptedDraftTokens: accepted };
	}

	/** Whether the model's chat wrapper knows thinking tags, so its answers can hold reasoning. */
	private get thinks(): boolean {
		return this.chatWrapper.settings.segments?.thought !== undefined;
	}

	/** The request's prompt before fitting: a chat as its messages, a completion as its tokens. */
	private promptToFit(input: RunnerGenerateInput, tools: readonly ToolDefinition[]): PromptToFit<Rendered> {
		if (input.kind === "chat")
			return { kind: "chat", messages: input.messages, render: (m) => this.render(m, tools), keepAllMessages: tools.length > 0 };
		return {
			kind: "completion",
			tokens: this.withBeginning(this.model.tokenize(input.prompt, true)),
			bos: this.model.tokens.bos,
		};
	}

	/** Generation after the fitted tokens as they are: a completion, or a chat without tools. */
	private async complete(
		completion: LlamaCompletion,
		fitted: FittedPrompt<Rendered>,
		sampling: ResolvedSampling,
		run: RunOptions,
	): Promise<{ stopReason: string; toolCalls?: undefined }> {
		// The prompt starts with the beginning token, as the model sees it; LlamaCompletion puts one
		// first itself, always, so it gets the prompt without it (else <s> would be doubled).
		const beginning = this.beginning;
		const prompt = fitted.tokens;
		const input = beginning !== null && prompt[0] === beginning ? prompt.slice(1) : prompt;
		const grammar = sampling.format && (await this.grammars.for(sampling.format));
		const { metadata } = await completion.generateCompletionWithMeta(input, {
			...toLlamaSampling(sampling, grammar, this.tokenBias(sampling)),
			...run,
			customStopTriggers: fitted.rendered?.stopTriggers ?? [],
			disableContextShift: true,
			// Otherwise node-llama-cpp keeps room for a shift it will not do, and silently drops the
			// start of any prompt over 90 % of the context; fitPrompt made sure the prompt fits.
			contextShiftSize: 0,
		});
		return { stopReason: metadata.stopReason };
	}

	async dispose(): Promise<void> {
		// Within the parent's grace period for a runner to exit (3 s).
		await this.kvStates?.saveAll(this.sequences.idle, 2000).catch(() => {});
		await (await this.embeddingContext)?.dispose();
		await (await this.rankingContext?.catch(() => undefined))?.dispose();
		await this.context.dispose();
		await this.speculation.dispose();
		await this.model.dispose();
		await this.llama.dispose();
	}

	/** Text of a rendered prompt with built-in special tokens (BOS…) written as the vocabulary spells them. */
	private textOf(text: LlamaText): string {
		return text.values
			.map((v) => {
				if (typeof v === "string") return v;
				if (v instanceof SpecialTokensText) return v.value;
				if (v instanceof SpecialToken) return this.model.detokenize(v.tokenize(this.model.tokenizer), true);
				return String(v);
			})
			.join("");
	}
}
