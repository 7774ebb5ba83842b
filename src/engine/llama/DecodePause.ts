import type { LlamaContextSequence, Token } from "node-llama-cpp";

/**
 * Lets a new request erase its sequence's stale tokens without waiting for the other streams to
 * finish. node-llama-cpp erases under the context's lock, and its batch loop keeps that lock for as
 * long as any sequence has a decode queued — with streams decoding, until they all end (measured:
 * the 4th of 4 concurrent streams got its first token after 20 s). While a pause is on, each
 * sequence's next decode waits (PausingTokenPredictor), the batch loop runs dry and lets go of the
 * lock, the erase runs, and the streams go on: they lose one batch's time, not the newcomer their
 * whole answers.
 */
export class DecodePause {
	private held = 0;
	private resumed: Promise<void> | undefined;
	private resume: (() => void) | undefined;

	/** What a sequence awaits before its next decode: undefined unless a pause is on. */
	get waiting(): Promise<void> | undefined {
		return this.resumed;
	}

	/** Runs `work` with every sequence's next decode held back until it is done. */
	async during<T>(work: () => Promise<T>): Promise<T> {
		if (this.held++ === 0) this.resumed = new Promise((resolve) => (this.resume = resolve));
		try {
			return await work();
		} finally {
			if (--this.held === 0) {
				this.resume?.();
				this.resumed = undefined;
			}
		}
	}

	/**
	 * Erases what `sequence` holds beyond the first `keep` tokens, during a pause. Done before the
	 * completion starts, it leaves node-llama-cpp nothing to erase (it keeps the prompt's prefix the
	 * sequence holds and evaluates at least the last prompt token, so `keep` is at most the prompt
	 * less one).
	 */
	async eraseBeyond(sequence: LlamaContextSequence, prompt: readonly Token[], keep: number): Promise<void> {
		const from = Math.max(0, Math.min(keep, prompt.length - 1));
		if (sequence.nextTokenIndex <= from) return;
		await this.during(() => sequence.eraseContextTokenRanges([{ start: from, end: sequence.nextTokenIndex }]));
	}
}
