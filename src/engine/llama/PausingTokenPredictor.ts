import { type Token, TokenPredictor } from "node-llama-cpp";
import type { DecodePause } from "./DecodePause.js";

/**
 * The predictor every sequence runs with. node-llama-cpp awaits a sequence's predictor before each
 * of its decodes, which is the one place a sequence's generation can be held back between tokens
 * (see DecodePause). Around that it drafts with `drafter` when there is one (prompt lookup or a
 * draft model), else predicts nothing, and generation is plain evaluation.
 */
export class PausingTokenPredictor extends TokenPredictor {
	constructor(
		private readonly pause: DecodePause,
		private readonly drafter?: TokenPredictor,
	) {
		super();
	}

	reset(params: Parameters<TokenPredictor["reset"]>[0]): Promise<void> | void {
		return this.drafter?.reset(params);
	}

	pushTokens(tokens: Token[]): void {
		this.drafter?.pushTokens(tokens);
	}

	predictTokens(): Promise<Token[]> | Token[] {
		const waiting = this.pause.waiting;
		if (waiting) return waiting.then(() => this.draft());
		return this.draft();
	}

	override updateInputTokens(tokens: Token[]): void {
		this.drafter?.updateInputTokens(tokens);
	}

	override stop(untilPredictionsExhausted?: boolean): Promise<void> | void {
		return this.drafter?.stop(untilPredictionsExhausted);
	}

	override dispose(): Promise<void> | void {
		return this.drafter?.dispose();
	}

	private draft(): Promise<Token[]> | Token[] {
		return this.drafter?.predictTokens() ?? [];
	}
}
