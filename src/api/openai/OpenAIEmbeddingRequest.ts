import { z } from "zod";

/** POST /v1/embeddings. The official client asks for base64 by default. */
export const OpenAIEmbeddingRequest = z.looseObject({
	model: z.string().min(1),
	input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
	encoding_format: z.enum(["float", "base64"]).nullish(),
	dimensions: z.null().optional(),
});
export type OpenAIEmbeddingRequest = z.infer<typeof OpenAIEmbeddingRequest>;
