import type { Token } from "node-llama-cpp";
import type { GenerationStats } from "../Engine.js";
import { StopStringMatcher } from "../StopStringMatcher.js";

/**
 * A generation's answer as its caller sees it, built from node-llama-cpp's callbacks: the text,
 * streamed to `emit` as it comes, and the count and timing of the tokens for the stats.
 */
export class AnswerRecorder {
	private shown = "";
	private generated = 0;
	private firstTokenAt: number | undefined;
	// Chat answers start after the template's generation prompt; leading blanks are template
	// artefacts (e.g. after "[/INST] "), so they are held back until real text arrives.
	private leading: boolean;
	// Stop strings are matched here on text, not by node-llama-cpp, which drops the text of a
	// token before a stop string that starts inside it (" under" with stop "under" loses " ").
	private readonly stops: StopStringMatcher;
	private readonly halt = new AbortController();
	private readonly emit: (text: string) => void;

	constructor(options: { chat: boolean; stop: readonly string[]; emit: (text: string) => void }) {
		this.leading = options.chat;
		this.stops = new StopStringMatcher(options.stop);
		this.emit = options.emit;
	}

	/** The answer so far. */
	get text(): string {
		return this.shown;
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
		if (tokens.length > 0) this.firstTokenAt ??= performance.now();
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
		this.emit(out);
	}
}
