import { type Token, TokenPredictor } from "node-llama-cpp";
import type { DecodePause } from "./DecodePause.js";

/**
 * A token predictor that predicts nothing: node-llama-cpp awaits a sequence's predictor before each
 * of its decodes, which is the one place a sequence's generation can be held back between tokens
 * (see DecodePause). With no predictions the tokens are those of plain evaluation.
 */
export class PausingTokenPredictor extends TokenPredictor {
	constructor(private readonly pause: DecodePause) {
		super();
	}

	reset(): void {}

	pushTokens(): void {}

	predictTokens(): Promise<Token[]> | Token[] {
		const waiting = this.pause.waiting;
		return waiting ? waiting.then(() => []) : [];
	}
}
