import { z } from "zod";

/** Anthropic's error body: every error under /v1/messages has this shape, and so has a streamed `error` event. */
export const AnthropicError = z.object({
	type: z.literal("error"),
	error: z.object({
		/** "invalid_request_error", "authentication_error", "not_found_error", "overloaded_error", "api_error" … */
		type: z.string(),
		/** What went wrong, for people. */
		message: z.string(),
	}),
});
export type AnthropicError = z.infer<typeof AnthropicError>;
