import { type LlamaContextSequence, type Token, TokenPredictor } from "node-llama-cpp";

/** Drafted tokens judged together. */
const WINDOW = 8;
/** Below this share of drafted tokens accepted, verifying drafts costs more than they save. */
const MIN_ACCEPTANCE = 0.35;
/**
 * Tokens generated without drafting after a window of mostly refused drafts, doubled after each
 * such window in a row (up to MAX_REST_TOKENS): a draft that keeps failing costs a few percent, one
 * that had a bad stretch (or text that came back to repeating its input) is tried again soon.
 */
const REST_TOKENS = 64;
const MAX_REST_TOKENS = 2048;

/**
 * A drafter (prompt lookup or a draft model) that rests when its drafts are mostly refused. Each
 * drafted token is verified in the same batch as the next real one; on a CPU a longer batch is
 * slower, so drafts that fail cost time. The acceptance is read from the sequence's own counters.
 */
export class AdaptiveDrafter extends TokenPredictor {
	private sequence: LlamaContextSequence | undefined;
	private windowStart = { validated: 0, refuted: 0 };
	private resting = 0;
	private nextRest = REST_TOKENS;

	constructor(private readonly inner: TokenPredictor) {
		super();
	}

	reset(params: Parameters<TokenPredictor["reset"]>[0]): Promise<void> | void {
		this.sequence = params.targetSequence;
		this.windowStart = counts(params.targetSequence);
		this.resting = 0;
		this.nextRest = REST_TOKENS;
		return this.inner.reset(params);
	}

	pushTokens(tokens: Token[]): void {
		this.inner.pushTokens(tokens);
	}

	predictTokens(): Promise<Token[]> | Token[] {
		if (this.resting > 0) {
			this.resting--;
			return [];
		}
		if (this.sequence) {
			const now = counts(this.sequence);
			const validated = now.validated - this.windowStart.validated;
			const judged = validated + now.refuted - this.windowStart.refuted;
			if (judged >= WINDOW) {
				this.windowStart = now;
				if (validated / judged < MIN_ACCEPTANCE) {
					this.resting = this.nextRest;
					this.nextRest = Math.min(this.nextRest * 2, MAX_REST_TOKENS);
					// A draft model would otherwise keep evaluating every token in the background, on the same cores.
					void this.inner.stop();
					return [];
				}
				this.nextRest = REST_TOKENS;
			}
		}
		return this.inner.predictTokens();
	}

	override updateInputTokens(tokens: Token[]): void {
		this.inner.updateInputTokens(tokens);
	}

	override stop(untilPredictionsExhausted?: boolean): Promise<void> | void {
		return this.inner.stop(untilPredictionsExhausted);
	}

	override dispose(): Promise<void> | void {
		return this.inner.dispose();
	}
}

function counts(sequence: LlamaContextSequence): { validated: number; refuted: number } {
	const { validated, refuted } = sequence.tokenPredictions;
	return { validated, refuted };
}
