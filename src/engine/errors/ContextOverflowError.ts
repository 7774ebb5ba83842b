/** A prompt does not fit the loaded context; never truncated silently. */
export class ContextOverflowError extends Error {
	readonly code = "context_overflow";
	constructor(
		readonly promptTokens: number,
		readonly contextLength: number,
	) {
		super(
			`The prompt is ${promptTokens} tokens but the context holds ${contextLength}; shorten it or load the model with a longer context`,
		);
		this.name = "ContextOverflowError";
	}
}
