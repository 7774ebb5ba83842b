import { randomUUID } from "node:crypto";
import {
	type ChatWrapper,
	type Llama,
	LlamaChat,
	LlamaCompletion,
	type LlamaCompletion as LlamaCompletionType,
	type LlamaContext,
	type LlamaContextSequence,
	type LlamaEmbeddingContext,
	type LlamaGrammar,
	type LlamaModel,
	type LlamaText,
	resolveChatWrapper,
	SpecialToken,
	SpecialTokensText,
	type Token,
} from "node-llama-cpp";
import type {
	ChatMessage,
	GenerationResult,
	LoadProgress,
	OutputFormat,
	RenderedPrompt,
	StopReason,
	TemplateInfo,
	ToolCall,
	ToolDefinition,
} from "../Engine.js";
import { ContextOverflowError } from "../errors/ContextOverflowError.js";
import { InvalidSchemaError } from "../errors/InvalidSchemaError.js";
import { StopStringMatcher } from "../StopStringMatcher.js";
import { pickSlot } from "./pickSlot.js";
import type { ResolvedSampling, RunnerGenerateInput, RunnerLoaded, RunnerLoadOptions } from "./runnerProtocol.js";
import { toChatHistory, toFunctions } from "./toChatHistory.js";

const NO_TOKENS = {
	generatedTokens: 0,
	timeToFirstTokenMs: 0,
	tokensPerSecond: 0,
	stopReason: "user_stopped",
	cachedPromptTokens: 0,
} as const;

interface Slot {
	sequence: LlamaContextSequence;
	completion: LlamaCompletionType;
	/** Tokens of the last prompt run on it, to tell a conversation's next turn from another conversation. */
	promptLength: number;
}

/**
 * One loaded model inside a runner process: its context with `parallel` sequences, the chat
 * wrapper that renders its template, and generation on a free sequence. Chat prompts are rendered
 * and tokenized here and given to llama.cpp as tokens, so what the model sees is exactly what
 * `render` reports.
 */
export class RunnerModel {
	private readonly free: Slot[];
	private readonly waiting: ((slot: Slot) => void)[] = [];
	private embeddingContext: Promise<LlamaEmbeddingContext> | undefined;
	private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

	private constructor(
		private readonly llama: Llama,
		private readonly model: LlamaModel,
		private readonly context: LlamaContext,
		private readonly chatWrapper: ChatWrapper,
		readonly info: RunnerLoaded,
	) {
		this.free = Array.from({ length: info.parallel }, () => {
			const sequence = context.getSequence();
			return {
				sequence,
				completion: new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false }),
				promptLength: 0,
			};
		});
	}

	static async load(
		llama: Llama,
		options: RunnerLoadOptions,
		onProgress: (progress: LoadProgress) => void = () => {},
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
			defaultContextFlashAttention: options.flashAttention ?? "auto",
		});
		// A small file is read before its first report arrives: the weights stage still shows, done.
		weightsRead = true;
		if (reported < 0.8) onProgress({ stage: "weights", fraction: 0.8 });
		const contextLength = Math.min(options.contextLength, model.trainContextSize);
		const threads = options.threads ?? llama.cpuMathCores;
		onProgress({ stage: "context", fraction: 0.85 });
		const context = await model.createContext({
			contextSize: contextLength,
			sequences: options.parallel,
			threads,
			flashAttention: options.flashAttention ?? "auto",
		});
		const chatWrapper = resolveChatWrapper(model);
		const hasTemplate = typeof model.fileInfo.metadata.tokenizer?.chat_template === "string";
		const template: TemplateInfo = { source: hasTemplate ? "gguf" : "fallback", wrapper: chatWrapper.wrapperName };
		const info: RunnerLoaded = {
			contextLength: context.contextSize,
			trainedContextLength: model.trainContextSize,
			parallel: options.parallel,
			threads,
			gpu: llama.gpu === false ? "cpu" : llama.gpu,
			gpuLayers: model.gpuLayers,
			template,
		};
		return new RunnerModel(llama, model, context, chatWrapper, info);
	}

	render(
		messages: ChatMessage[],
		tools: readonly ToolDefinition[] = [],
	): Omit<RenderedPrompt, "tokens"> & { tokens: Token[]; stopTriggers: LlamaText[] } {
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

	async generate(
		input: RunnerGenerateInput,
		sampling: ResolvedSampling,
		signal: AbortSignal,
		emit: (text: string) => void,
	): Promise<GenerationResult> {
		const started = performance.now();
		const contextLength = this.info.contextLength;
		const policy = sampling.contextOverflowPolicy;
		const truncating = policy === "truncateMiddle" || policy === "rollingWindow";
		// Room kept for the answer when a truncating policy has to make the prompt fit.
		const reserve = Math.min(sampling.maxTokens ?? Math.floor(contextLength / 4), Math.floor(contextLength / 2));
		let prompt: Token[];
		let templateStops: LlamaText[] = [];
		let truncatedPromptTokens = 0;
		const tools = input.kind === "chat" ? (input.tools ?? []) : [];
		if (tools.length && sampling.format) throw new RangeError("tools and a JSON response format cannot be combined");
		if (input.kind === "chat") {
			let messages = input.messages;
			let rendered = this.render(messages, tools);
			const fullLength = rendered.tokens.length;
			while (truncating && tools.length === 0 && rendered.tokens.length > contextLength - reserve) {
				const shorter = dropMessage(messages, policy);
				if (!shorter) break;
				messages = shorter;
				rendered = this.render(messages);
			}
			truncatedPromptTokens = fullLength - rendered.tokens.length;
			prompt = rendered.tokens;
			templateStops = rendered.stopTriggers;
		} else {
			const bos = this.model.tokens.bos;
			prompt = this.withBeginning(this.model.tokenize(input.prompt, true));
			if (truncating && prompt.length > contextLength - reserve) {
				const keep = contextLength - reserve;
				const head = policy === "truncateMiddle" ? Math.ceil(keep / 2) : bos !== null && prompt[0] === bos ? 1 : 0;
				truncatedPromptTokens = prompt.length - keep;
				prompt = [...prompt.slice(0, head), ...prompt.slice(prompt.length - (keep - head))];
			}
		}
		if (prompt.length >= contextLength) throw new ContextOverflowError(prompt.length, contextLength);
		const room = contextLength - prompt.length;
		const maxTokens = Math.min(sampling.maxTokens ?? room, room);
		// The prompt starts with the beginning token, as the model sees it; LlamaCompletion puts one
		// first itself, always, so it gets the prompt without it (else <s> would be doubled).
		const beginning = this.beginning;
		const completionInput = beginning !== null && prompt[0] === beginning ? prompt.slice(1) : prompt;

		let slot: Slot;
		try {
			slot = await this.acquire(signal, prompt);
		} catch (error) {
			if (!signal.aborted) throw error;
			return {
				text: "",
				stats: {
					...NO_TOKENS,
					promptTokens: prompt.length,
					totalMs: performance.now() - started,
					seed: sampling.seed,
					truncatedPromptTokens,
				},
			};
		}
		// What llama.cpp will not evaluate again: the prompt's prefix this sequence already holds.
		const cachedPromptTokens = pickSlot([{ tokens: slot.sequence.contextTokens, promptLength: 0 }], prompt).reused;
		slot.promptLength = prompt.length;
		let generated = 0;
		let firstTokenAt: number | undefined;
		// Chat answers start after the template's generation prompt; leading blanks are template
		// artefacts (e.g. after "[/INST] "), so they are held back until real text arrives.
		let leading = input.kind === "chat";
		let text = "";
		// Stop strings are matched here on text, not by node-llama-cpp, which drops the text of a
		// token before a stop string that starts inside it (" under" with stop "under" loses " ").
		const stops = new StopStringMatcher(sampling.stop);
		const halt = new AbortController();
		const show = (out: string) => {
			if (!out) return;
			text += out;
			emit(out);
		};
		const onTextChunk = (chunk: string) => {
			let out = chunk;
			if (leading) {
				out = chunk.trimStart();
				if (out === "") return;
				leading = false;
			}
			show(stops.push(out));
			if (stops.done) halt.abort();
		};
		const stopSignal = AbortSignal.any([signal, halt.signal]);
		let stopReason: StopReason;
		let toolCalls: ToolCall[] | undefined;
		try {
			const samplingOptions = {
				temperature: sampling.temperature,
				topK: sampling.topK,
				topP: sampling.topP,
				minP: sampling.minP,
				seed: sampling.seed,
				repeatPenalty:
					sampling.repeatPenalty === 1 && sampling.presencePenalty === 0 && sampling.frequencyPenalty === 0
						? (false as const)
						: {
								penalty: sampling.repeatPenalty,
								presencePenalty: sampling.presencePenalty,
								frequencyPenalty: sampling.frequencyPenalty,
								lastTokens: 64,
							},
				signal: stopSignal,
				stopOnAbortSignal: true,
				onToken: (tokens: Token[]) => {
					if (tokens.length > 0) firstTokenAt ??= performance.now();
					generated += tokens.length;
				},
				onTextChunk,
			};
			let metadata: { stopReason: string };
			if (tools.length > 0 && input.kind === "chat") {
				// Function calling is LlamaChat's: it spots the template's call syntax and writes the call
				// under a grammar. The history given to it renders to exactly `prompt` (see render).
				const chat = new LlamaChat({ contextSequence: slot.sequence, chatWrapper: this.chatWrapper, autoDisposeSequence: false });
				try {
					const response = await chat.generateResponse(toChatHistory(input.messages), {
						...samplingOptions,
						maxTokens,
						functions: toFunctions(tools),
						contextShift: { strategy: "eraseFirstResponseAndKeepFirstSystem" },
					});
					metadata = response.metadata;
					toolCalls = response.functionCalls?.map((call) => ({
						id: `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
						name: call.functionName,
						arguments: JSON.stringify(call.params ?? {}),
					}));
				} finally {
					chat.dispose({ disposeSequence: false });
				}
			} else {
				({ metadata } = await slot.completion.generateCompletionWithMeta(completionInput, {
					...samplingOptions,
					maxTokens,
					customStopTriggers: templateStops,
					grammar: sampling.format && (await this.grammarFor(sampling.format)),
					disableContextShift: true,
					// Otherwise node-llama-cpp keeps room for a shift it will not do, and silently drops the
					// start of any prompt over 90 % of the context; prompts that fit were checked above.
					contextShiftSize: 0,
				}));
			}
			if (stops.done) stopReason = "stop_string";
			else if (metadata.stopReason === "functionCalls" && toolCalls?.length) stopReason = "tool_calls";
			else if (metadata.stopReason === "abort") stopReason = "user_stopped";
			else if (metadata.stopReason === "maxTokens")
				stopReason = sampling.maxTokens !== undefined && sampling.maxTokens <= room ? "max_tokens" : "context_full";
			else stopReason = "eos";
		} catch (error) {
			// An abort before the first token throws instead of returning what was generated.
			if (!stopSignal.aborted) throw error;
			stopReason = stops.done ? "stop_string" : "user_stopped";
		} finally {
			this.release(slot);
		}
		show(stops.flush());
		const ended = performance.now();
		const sinceFirst = firstTokenAt === undefined ? 0 : (ended - firstTokenAt) / 1000;
		return {
			text,
			stats: {
				promptTokens: prompt.length,
				generatedTokens: generated,
				timeToFirstTokenMs: firstTokenAt === undefined ? 0 : firstTokenAt - started,
				tokensPerSecond: generated > 1 && sinceFirst > 0 ? (generated - 1) / sinceFirst : 0,
				totalMs: ended - started,
				stopReason,
				seed: sampling.seed,
				truncatedPromptTokens,
				cachedPromptTokens,
			},
			...(toolCalls?.length ? { toolCalls } : {}),
		};
	}

	/** Grammars are compiled once per format and reused. */
	private grammarFor(format: OutputFormat): Promise<LlamaGrammar> {
		const key = JSON.stringify(format);
		let grammar = this.grammars.get(key);
		if (!grammar) {
			grammar =
				format.type === "json"
					? this.llama.getGrammarFor("json")
					: this.llama.createGrammarForJsonSchema(format.schema as never).catch((error: Error) => {
							throw new InvalidSchemaError(error.message);
						});
			grammar.catch(() => this.grammars.delete(key));
			this.grammars.set(key, grammar);
		}
		return grammar;
	}

	async dispose(): Promise<void> {
		await (await this.embeddingContext)?.dispose();
		await this.context.dispose();
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

	private acquire(signal: AbortSignal, prompt: readonly Token[]): Promise<Slot> {
		if (this.free.length > 0) {
			const { index } = pickSlot(
				this.free.map((s) => ({ tokens: s.sequence.contextTokens, promptLength: s.promptLength })),
				prompt,
			);
			return Promise.resolve(this.free.splice(index, 1)[0] as Slot);
		}
		return new Promise((resolve, reject) => {
			const take = (s: Slot) => {
				signal.removeEventListener("abort", onAbort);
				resolve(s);
			};
			const onAbort = () => {
				const at = this.waiting.indexOf(take);
				if (at >= 0) this.waiting.splice(at, 1);
				reject(signal.reason);
			};
			signal.addEventListener("abort", onAbort, { once: true });
			this.waiting.push(take);
		});
	}

	private release(slot: Slot): void {
		const next = this.waiting.shift();
		if (next) next(slot);
		else this.free.push(slot);
	}
}

/**
 * One message fewer, for a truncating overflow policy: system messages and the last message always
 * stay; rollingWindow drops the oldest other message, truncateMiddle the one after the first.
 */
function dropMessage(messages: ChatMessage[], policy: "truncateMiddle" | "rollingWindow"): ChatMessage[] | undefined {
	const droppable = messages.map((m, i) => (m.role !== "system" && i < messages.length - 1 ? i : -1)).filter((i) => i >= 0);
	if (droppable.length === 0) return undefined;
	const victim = policy === "rollingWindow" || droppable.length === 1 ? droppable[0] : droppable[1];
	return messages.filter((_, i) => i !== victim);
}
