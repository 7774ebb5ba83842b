import { z } from "zod";

/** Documents one rerank request may score; each is a whole model evaluation. */
export const MAX_RERANK_DOCUMENTS = 1000;

/**
 * POST /v1/rerank (and /rerank): the request llama-server, Jina and Cohere clients send. Documents
 * are strings or, as Jina and Cohere v1 also allow, `{text}` objects.
 */
export const RerankRequest = z.looseObject({
	model: z.string().min(1),
	query: z.string().min(1),
	documents: z
		.array(z.union([z.string(), z.looseObject({ text: z.string() })]))
		.min(1)
		.max(MAX_RERANK_DOCUMENTS),
	top_n: z.number().int().min(1).nullish(),
	return_documents: z.boolean().nullish(),
});
export type RerankRequest = z.infer<typeof RerankRequest>;
