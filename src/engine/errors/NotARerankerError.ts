/** A rerank request for a model that has no ranking head (a chat or embedding model). */
export class NotARerankerError extends Error {
	readonly code = "model_not_reranker";
	constructor(
		readonly modelId: string,
		reason: string,
	) {
		super(`Model "${modelId}" is not a reranker: ${reason}`);
		this.name = "NotARerankerError";
	}
}
