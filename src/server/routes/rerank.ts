import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import { RerankRequest } from "../../api/rerank/RerankRequest.js";
import type { RerankResponse } from "../../api/rerank/RerankResponse.js";
import { rerank } from "../../studio/rerank.js";
import { readJson } from "../readJson.js";
import type { ServerContext } from "../ServerContext.js";

/** The paths llama-server answers reranking on; Jina and Cohere clients call the first. */
const RERANK_PATHS = ["/v1/rerank", "/rerank", "/v1/reranking", "/reranking"] as const;

/**
 * Reranking for retrieval: a reranker model scores each document against the query. Errors are
 * OpenAI-shaped, as llama-server's are.
 */
export function rerankRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	for (const path of RERANK_PATHS) app.post(path, (c) => rerankRoute(ctx, c));
	return app;
}

async function rerankRoute(ctx: ServerContext, c: Context): Promise<Response> {
	const body = RerankRequest.parse(await readJson(c));
	const documents = body.documents.map((d) => (typeof d === "string" ? d : d.text));
	const { model, results, tokens } = await rerank(ctx.scheduler, body.model, body.query, documents, {
		topN: body.top_n ?? undefined,
	});
	const reply: RerankResponse = {
		id: `rerank-${randomUUID()}`,
		object: "list",
		model: model.id,
		results: results.map(({ index, score }) => ({
			index,
			relevance_score: score,
			...(body.return_documents ? { document: { text: documents[index] } } : {}),
		})),
		usage: { prompt_tokens: tokens, total_tokens: tokens },
	};
	return c.json(reply);
}
