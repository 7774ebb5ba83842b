import { z } from "zod";
import { AnthropicPromptFields } from "./AnthropicMessagesRequest.js";

/** POST /v1/messages/count_tokens: the prompt of a /v1/messages request, without its sampling. */
export const AnthropicCountTokensRequest = z.looseObject(AnthropicPromptFields);
export type AnthropicCountTokensRequest = z.infer<typeof AnthropicCountTokensRequest>;

/** Its answer. */
export const AnthropicTokenCount = z.object({
	/** The prompt's tokens as the model evaluates them: what /v1/messages reports as input_tokens plus cache_read_input_tokens. */
	input_tokens: z.number(),
});
export type AnthropicTokenCount = z.infer<typeof AnthropicTokenCount>;
