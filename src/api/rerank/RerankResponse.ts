import { z } from "zod";

/** The reply in llama-server's shape (which Jina and Cohere clients read): results best first. */
export const RerankResponse = z.object({
	id: z.string(),
	object: z.literal("list"),
	model: z.string(),
	results: z.array(
		z.object({
			/** Position of the document in the request. */
			index: z.number().int(),
			/** 0 to 1: the reranker's probability that the document answers the query. */
			relevance_score: z.number(),
			/** Present when the request asked for `return_documents`. */
			document: z.object({ text: z.string() }).optional(),
		}),
	),
	usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});
export type RerankResponse = z.infer<typeof RerankResponse>;
