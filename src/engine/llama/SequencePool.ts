import { LlamaCompletion, type LlamaContext, type LlamaContextSequence, type Token, type TokenPredictor } from "node-llama-cpp";
import type { DecodePause } from "./DecodePause.js";
import { PausingTokenPredictor } from "./PausingTokenPredictor.js";
import { pickSequence } from "./pickSequence.js";

/** One of the context's sequences, as the pool lends it out. */
export interface PooledSequence {
	readonly sequence: LlamaContextSequence;
	/** Completion on this sequence, made once; it leaves the sequence alive when it is done. */
	readonly completion: LlamaCompletion;
	/** Tokens of the last prompt run on it, to tell a conversation's next turn from another conversation. */
	promptLength: number;
}

/** A sequence lent for a prompt, with how many of the prompt's tokens it already holds. */
export interface AcquiredSequence {
	pooled: PooledSequence;
	/** The prompt's prefix in the sequence's cache: tokens llama.cpp does not evaluate again. */
	cachedPromptTokens: number;
}

/**
 * The context's sequences, one per parallel generation. A prompt gets the free sequence whose
 * cache it reuses best (see pickSequence); when none is free it waits for the next one released,
 * in order of arrival, or until its signal aborts.
 */
export class SequencePool {
	private readonly waiting: ((pooled: PooledSequence) => void)[] = [];
	/** Every sequence, lent out or not. */
	readonly all: readonly LlamaContextSequence[];

	constructor(private readonly free: PooledSequence[]) {
		this.all = free.map((s) => s.sequence);
	}

	/**
	 * `count` fresh sequences of `context`; it can hand out no more than it was created with. Each
	 * sequence's decoding holds back while `pause` is on, and drafts with its own `drafter()`.
	 */
	static of(context: LlamaContext, count: number, pause: DecodePause, drafter: () => TokenPredictor | undefined): SequencePool {
		return new SequencePool(
			Array.from({ length: count }, () => {
				const sequence = context.getSequence({ tokenPredictor: new PausingTokenPredictor(pause, drafter()) });
				return {
					sequence,
					completion: new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false }),
					promptLength: 0,
				};
			}),
		);
	}

	/** A sequence for `prompt`, to give back with `release`; rejects with the signal's reason if it aborts while waiting. */
	async acquire(prompt: readonly Token[], signal: AbortSignal): Promise<AcquiredSequence> {
		const pooled = await this.take(prompt, signal);
		// A waiter gets whichever sequence comes back first, so its reuse is measured only now.
		const cachedPromptTokens = pickSequence([{ tokens: pooled.sequence.contextTokens, promptLength: 0 }], prompt).reused;
		pooled.promptLength = prompt.length;
		return { pooled, cachedPromptTokens };
	}

	/** The sequences no prompt holds now (all of them once generation has stopped). */
	get idle(): readonly LlamaContextSequence[] {
		return this.free.map((s) => s.sequence);
	}

	/** Hands a sequence to the longest waiting prompt, else back to the free ones. */
	release(pooled: PooledSequence): void {
		const next = this.waiting.shift();
		if (next) next(pooled);
		else this.free.push(pooled);
	}

	private take(prompt: readonly Token[], signal: AbortSignal): Promise<PooledSequence> {
		// Chosen now, not after an await: a second request arriving meanwhile must not get the same one.
		if (this.free.length > 0) {
			const { index } = pickSequence(
				this.free.map((s) => ({ tokens: s.sequence.contextTokens, promptLength: s.promptLength })),
				prompt,
			);
			return Promise.resolve(this.free.splice(index, 1)[0] as PooledSequence);
		}
		return new Promise((resolve, reject) => {
			const give = (pooled: PooledSequence) => {
				signal.removeEventListener("abort", onAbort);
				resolve(pooled);
			};
			const onAbort = () => {
				const at = this.waiting.indexOf(give);
				if (at >= 0) this.waiting.splice(at, 1);
				reject(signal.reason);
			};
			signal.addEventListener("abort", onAbort, { once: true });
			this.waiting.push(give);
		});
	}
}
