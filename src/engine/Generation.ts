import type { GenerationResult } from "./Engine.js";

/**
 * An answer being generated: await it for the whole result, or iterate it for text fragments as
 * they arrive (both at once works too). Fragments that arrive before iteration starts are kept.
 */
export class Generation implements PromiseLike<GenerationResult>, AsyncIterable<string> {
	private readonly fragments: string[] = [];
	private finished = false;
	private failure: unknown = undefined;
	private waiters: (() => void)[] = [];
	private readonly result: Promise<GenerationResult>;

	/** `run` produces the result and calls `emit` for each fragment before it resolves. */
	constructor(run: (emit: (fragment: string) => void) => Promise<GenerationResult>) {
		this.result = run((fragment) => {
			this.fragments.push(fragment);
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

	async *[Symbol.asyncIterator](): AsyncIterator<string> {
		let next = 0;
		for (;;) {
			while (next < this.fragments.length) yield this.fragments[next++];
			if (this.failure !== undefined) throw this.failure;
			if (this.finished) return;
			await new Promise<void>((resolve) => this.waiters.push(resolve));
		}
	}

	private notify(): void {
		for (const wake of this.waiters.splice(0)) wake();
	}
}
