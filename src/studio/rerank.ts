import type { LoadedModel } from "../engine/Engine.js";
import type { Scheduler, UseOptions } from "../engine/Scheduler.js";

export interface Ranked {
	/** Position of the document in the request. */
	index: number;
	score: number;
}

export interface Ranking {
	model: LoadedModel;
	/** Best first; ties keep the documents' order. At most `topN` when given. */
	results: Ranked[];
	/** Tokens of the query and the documents, for usage counts. */
	tokens: number;
}

/**
 * Scores each document against the query with a reranker model (loaded just in time) and orders
 * them best first, as llama-server's, Jina's and Cohere's rerank routes do.
 */
export function rerank(
	scheduler: Scheduler,
	identifier: string,
	query: string,
	documents: string[],
	options: UseOptions & { topN?: number } = {},
): Promise<Ranking> {
	return scheduler.use(identifier, options, async (model) => {
		const scores = await scheduler.engine.rank(model.id, query, documents);
		const counts = await Promise.all([query, ...documents].map((text) => scheduler.engine.countTokens(model.id, text)));
		const results = scores
			.map((score, index) => ({ index, score }))
			.sort((a, b) => b.score - a.score || a.index - b.index)
			.slice(0, options.topN ?? documents.length);
		// The query is evaluated with every document.
		const tokens = counts[0] * documents.length + counts.slice(1).reduce((a, b) => a + b, 0);
		return { model, results, tokens };
	});
}
