import type { GenerationChunk, GenerationResult } from "./Engine.js";

/**
 * An answer being generated: await it for the whole result, or iterate it for the answer's text
 * fragments as they arrive, or iterate `chunks()` for everything as it arrives — answer text,
 * reasoning (a thinking model's text inside its thinking tags) and tool calls as they are written.
 * Both at once work too; what arrives before iteration starts is kept.
 */
export class Generation implements PromiseLike<GenerationResult>, AsyncIterable<string> {
	private readonly received: GenerationChunk[] = [];
	private finished = false;
	private failure: unknown = undefined;
	private waiters: (() => void)[] = [];
	private readonly result: Promise<GenerationResult>;

	/** `run` produces the result and calls `emit` for each piece (a string is answer text) before it resolves. */
	constructor(run: (emit: (piece: string | GenerationChunk) => void) => Promise<GenerationResult>) {
		this.result = run((piece) => {
			this.received.push(typeof piece === "string" ? { type: "text", text: piece } : piece);
			this.notify();
		}).then(
			(result) => {
				this.finished = true;
				this.notify();
				return result;
			},
			(error: unknown) => {
				this.finished = true;
				this.failure = error ?? new Error("generation failed");
				this.notify();
				throw error;
			},
		);
		// A caller that only iterates sees the error there; keep Node from calling it unhandled.
		this.result.catch(() => {});
	}

	// biome-ignore lint/suspicious/noThenProperty: a Generation is deliberately awaitable
	then<A = GenerationResult, B = never>(
		onFulfilled?: ((value: GenerationResult) => A | PromiseLike<A>) | null,
		onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
	): Promise<A | B> {
		return this.result.then(onFulfilled, onRejected);
	}

	/** The answer's text fragments; reasoning and tool calls are left to `chunks()`. */
	async *[Symbol.asyncIterator](): AsyncIterator<string> {
		for await (const chunk of this.chunks()) if (chunk.type === "text") yield chunk.text;
	}

	/** Every piece of the answer in the order it was generated. */
	async *chunks(): AsyncGenerator<GenerationChunk> {
		let next = 0;
		for (;;) {
			while (next < this.received.length) yield this.received[next++];
			if (this.failure !== undefined) throw this.failure;
			if (this.finished) return;
			await new Promise<void>((resolve) => this.waiters.push(resolve));
		}
	}

	private notify(): void {
		for (const wake of this.waiters.splice(0)) wake();
	}
}
