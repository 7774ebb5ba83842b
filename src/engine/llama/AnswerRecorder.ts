import type { LlamaChatResponseChunk, Token } from "node-llama-cpp";
import type { GenerationChunk, GenerationStats } from "../Engine.js";
import { StopStringMatcher } from "../StopStringMatcher.js";

/**
 * A generation's answer as its caller sees it, built from node-llama-cpp's callbacks: the text and
 * the reasoning, streamed to `emit` as they come, and the count and timing of the tokens for the stats.
 */
export class AnswerRecorder {
	private shown = "";
	private thought = "";
	private generated = 0;
	private firstTokenAt: number | undefined;
	// Chat answers start after the template's generation prompt; leading blanks are template
	// artefacts (e.g. after "[/INST] "), so they are held back until real text arrives. The same
	// goes for reasoning after its opening tag.
	private leading: boolean;
	private thoughtLeading = true;
	// Stop strings are matched here on text, not by node-llama-cpp, which drops the text of a
	// token before a stop string that starts inside it (" under" with stop "under" loses " ").
	// Reasoning is not the answer: stop strings do not look at it.
	private readonly stops: StopStringMatcher;
	private readonly halt = new AbortController();
	private readonly emit: (chunk: GenerationChunk) => void;

	constructor(options: { chat: boolean; stop: readonly string[]; emit: (chunk: GenerationChunk) => void }) {
		this.leading = options.chat;
		this.stops = new StopStringMatcher(options.stop);
		this.emit = options.emit;
	}

	/** The answer so far. */
	get text(): string {
		return this.shown;
	}

	/** The reasoning so far; undefined when there is none. */
	get reasoning(): string | undefined {
		return this.thought || undefined;
	}

	/** Aborts when a stop string is found, so that node-llama-cpp stops generating. */
	get halted(): AbortSignal {
		return this.halt.signal;
	}

	/** Whether a stop string ended the answer. */
	get stopped(): boolean {
		return this.stops.done;
	}

	/** node-llama-cpp's `onToken`. */
	readonly onToken = (tokens: Token[]): void => {
		if (tokens.length > 0) this.tokenArrived();
		this.generated += tokens.length;
	};

	/** node-llama-cpp's `onTextChunk`. */
	readonly onTextChunk = (chunk: string): void => {
		let out = chunk;
		if (this.leading) {
			out = chunk.trimStart();
			if (out === "") return;
			this.leading = false;
		}
		this.show(this.stops.push(out));
		if (this.stops.done) this.halt.abort();
	};

	/** LlamaChat's `onResponseChunk`: answer text, or a segment of it; thought segments are the reasoning. */
	readonly onResponseChunk = (chunk: LlamaChatResponseChunk): void => {
		this.onToken(chunk.tokens);
		if (chunk.type === undefined) {
			this.onTextChunk(chunk.text);
			return;
		}
		// Other segments (gpt-oss's commentary) are neither the answer nor its reasoning.
		if (chunk.segmentType !== "thought") return;
		const text = this.thoughtLeading ? chunk.text.trimStart() : chunk.text;
		if (text === "") return;
		this.thoughtLeading = false;
		this.thought += text;
		this.emit({ type: "reasoning", text });
	};

	/** A token written where no callback shows it (a tool call's); it still times the first token. */
	readonly tokenArrived = (): void => {
		this.firstTokenAt ??= performance.now();
	};

	/**
	 * Sets the count of generated tokens to `count`: LlamaChat reports neither the tokens of thinking
	 * tags nor those of tool calls, so a chat counts the tokens its sequence sampled instead.
	 */
	countSampled(count: number): void {
		this.generated = count;
	}

	/** Shows the text held back as a possible start of a stop string, once generation has ended. */
	flush(): void {
		this.show(this.stops.flush());
	}

	/** Token count and speed of a generation that began at `started` and ended at `ended` (performance.now()). */
	speed(started: number, ended: number): Pick<GenerationStats, "generatedTokens" | "timeToFirstTokenMs" | "tokensPerSecond"> {
		const { generated, firstTokenAt } = this;
		const sinceFirst = firstTokenAt === undefined ? 0 : (ended - firstTokenAt) / 1000;
		return {
			generatedTokens: generated,
			timeToFirstTokenMs: firstTokenAt === undefined ? 0 : firstTokenAt - started,
			// llama.cpp's definition: the first token's time is the prompt's, not generation's.
			tokensPerSecond: generated > 1 && sinceFirst > 0 ? (generated - 1) / sinceFirst : 0,
		};
	}

	private show(out: string): void {
		if (!out) return;
		this.shown += out;
		this.emit({ type: "text", text: out });
	}
}
