/** A request asks for more tokens than the model's whole context holds: it could never get them. */
export class MaxTokensTooLargeError extends Error {
	readonly code = "max_tokens_too_large";
	constructor(
		readonly maxTokens: number,
		readonly contextLength: number,
	) {
		super(
			`max_tokens is ${maxTokens} but the context holds ${contextLength} tokens, prompt included; ask for at most ${contextLength} or load the model with a longer context`,
		);
		this.name = "MaxTokensTooLargeError";
	}
}
