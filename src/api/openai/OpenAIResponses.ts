import { z } from "zod";

export const FinishReason = z.enum(["stop", "length", "tool_calls"]);
export type FinishReason = z.infer<typeof FinishReason>;

export const Usage = z.object({
	prompt_tokens: z.number(),
	completion_tokens: z.number(),
	total_tokens: z.number(),
	/** Prompt tokens reused from the cache (the conversation's earlier turns), not evaluated again. */
	prompt_tokens_details: z.object({ cached_tokens: z.number(), audio_tokens: z.number() }).optional(),
	/** With speculative decoding: drafted tokens the model accepted and refused (OpenAI's Predicted Outputs fields). */
	completion_tokens_details: z
		.object({ accepted_prediction_tokens: z.number(), rejected_prediction_tokens: z.number() })
		.optional(),
});
export type Usage = z.infer<typeof Usage>;

/** A function the model called: its name and its arguments as JSON text. */
export const OpenAIToolCall = z.object({
	id: z.string(),
	type: z.literal("function"),
	function: z.object({ name: z.string(), arguments: z.string() }),
});
export type OpenAIToolCall = z.infer<typeof OpenAIToolCall>;

/** The fields every answer object starts with. */
const AnswerHead = z.object({ id: z.string(), created: z.number(), model: z.string(), system_fingerprint: z.string() });

/** A non-streamed chat answer. */
export const OpenAIChatCompletion = AnswerHead.extend({
	object: z.literal("chat.completion"),
	choices: z.array(
		z.object({
			index: z.number(),
			message: z.object({
				role: z.literal("assistant"),
				/** null when the answer is only tool calls. */
				content: z.string().nullable(),
				/** A thinking model's reasoning, as llama-server and LM Studio send it; never part of `content`. */
				reasoning_content: z.string().optional(),
				tool_calls: z.array(OpenAIToolCall).optional(),
			}),
			logprobs: z.null(),
			finish_reason: FinishReason,
		}),
	),
	usage: Usage,
});
export type OpenAIChatCompletion = z.infer<typeof OpenAIChatCompletion>;

/** One server-sent event of a streamed chat answer. */
export const OpenAIChatChunk = AnswerHead.extend({
	object: z.literal("chat.completion.chunk"),
	choices: z.array(
		z.object({
			index: z.number(),
			delta: z.object({
				role: z.literal("assistant").optional(),
				content: z.string().optional(),
				reasoning_content: z.string().optional(),
				/** A call in pieces, as it is written: index, id, type and name on its first, then its arguments. */
				tool_calls: z
					.array(
						z.object({
							index: z.number(),
							id: z.string().optional(),
							type: z.literal("function").optional(),
							function: z.object({ name: z.string().optional(), arguments: z.string() }),
						}),
					)
					.optional(),
			}),
			logprobs: z.null(),
			finish_reason: FinishReason.nullable(),
		}),
	),
	/** Only on the last chunk, and only with stream_options.include_usage. */
	usage: Usage.nullable().optional(),
});
export type OpenAIChatChunk = z.infer<typeof OpenAIChatChunk>;

/** A text completion, whole or one streamed chunk. */
export const OpenAITextCompletion = AnswerHead.extend({
	object: z.literal("text_completion"),
	choices: z.array(z.object({ index: z.number(), text: z.string(), logprobs: z.null(), finish_reason: FinishReason.nullable() })),
	usage: Usage.nullable().optional(),
});
export type OpenAITextCompletion = z.infer<typeof OpenAITextCompletion>;

export const OpenAIEmbeddingList = z.object({
	object: z.literal("list"),
	data: z.array(
		z.object({ object: z.literal("embedding"), index: z.number(), embedding: z.union([z.array(z.number()), z.string()]) }),
	),
	model: z.string(),
	usage: z.object({ prompt_tokens: z.number(), total_tokens: z.number() }),
});
export type OpenAIEmbeddingList = z.infer<typeof OpenAIEmbeddingList>;

/** GET /v1/models: downloaded models; loaded ones say so with their context length. */
/** A model as GET /v1/models lists it and GET /v1/models/{id} describes it. */
export const OpenAIModel = z.object({
	id: z.string(),
	object: z.literal("model"),
	/** Unix seconds the file was written (downloaded or imported). */
	created: z.number(),
	owned_by: z.string(),
	/** Hearth: whether it is in memory now. */
	loaded: z.boolean(),
	/** Hearth: the model's trained context length. */
	max_context_length: z.number().optional(),
	/** Hearth: the context length it is loaded with. */
	loaded_context_length: z.number().optional(),
});
export type OpenAIModel = z.infer<typeof OpenAIModel>;

export const OpenAIModelList = z.object({
	object: z.literal("list"),
	data: z.array(OpenAIModel),
});
export type OpenAIModelList = z.infer<typeof OpenAIModelList>;
