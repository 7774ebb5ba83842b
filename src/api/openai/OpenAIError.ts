import { z } from "zod";

/** OpenAI's error body; every error of the /v1 routes has this shape. */
export const OpenAIError = z.object({
	error: z.object({
		/** What went wrong, for people. */
		message: z.string(),
		/** "invalid_request_error", "authentication_error", "not_found_error", "server_error" … */
		type: z.string(),
		/** The request field at fault, when one is. */
		param: z.string().nullable(),
		/** A stable machine code such as "model_not_found" or "context_length_exceeded". */
		code: z.string().nullable(),
	}),
});
export type OpenAIError = z.infer<typeof OpenAIError>;
