import { z } from "zod";

/** Why the answer ended: the model's end (or the client stopping it), the max_tokens cap or a full context, a stop sequence, a tool call. */
export const AnthropicStopReason = z.enum(["end_turn", "max_tokens", "stop_sequence", "tool_use"]);
export type AnthropicStopReason = z.infer<typeof AnthropicStopReason>;

/** Token counts, in Anthropic's order. The prompt was input_tokens + cache_read_input_tokens tokens. */
export const AnthropicUsage = z.object({
	/** Prompt tokens evaluated for this request: those not reused from the sequence's cache. */
	input_tokens: z.number(),
	/** Always 0: llama.cpp keeps a sequence's cache without a separate write. */
	cache_creation_input_tokens: z.number(),
	/** Prompt tokens reused from the sequence's cache (a chat's earlier turns), not evaluated again. */
	cache_read_input_tokens: z.number(),
	/** Tokens generated. */
	output_tokens: z.number(),
});
export type AnthropicUsage = z.infer<typeof AnthropicUsage>;

/** Answer text. */
export const AnthropicTextBlock = z.object({ type: z.literal("text"), text: z.string() });

/** A thinking model's reasoning (the text inside its template's thinking tags). */
export const AnthropicThinkingBlock = z.object({
	type: z.literal("thinking"),
	thinking: z.string(),
	/** Always "": Hearth signs nothing, and ignores thinking blocks passed back. */
	signature: z.string(),
});

/** A call of one of the request's tools. */
export const AnthropicToolUseBlock = z.object({
	type: z.literal("tool_use"),
	/** The id a `tool_result` block answers; the engine's own, shared with the other dialects. */
	id: z.string(),
	name: z.string(),
	/** The arguments; `{}` when the model's text is not a JSON object (a call cut short by max_tokens). */
	input: z.record(z.string(), z.unknown()),
});

/** One block of an answer, in the order the model wrote them. */
export const AnthropicContentBlock = z.discriminatedUnion("type", [
	AnthropicTextBlock,
	AnthropicThinkingBlock,
	AnthropicToolUseBlock,
]);
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlock>;

/** The answer to POST /v1/messages, in the real API's key order. */
export const AnthropicMessage = z.object({
	/** "msg_" and 32 hex digits. */
	id: z.string(),
	type: z.literal("message"),
	role: z.literal("assistant"),
	/** The model's key, whatever name the request used. */
	model: z.string(),
	/** Never empty: an answer of no words is one empty text block. Empty in the stream's message_start. */
	content: z.array(AnthropicContentBlock),
	/** null only in the stream's message_start. */
	stop_reason: AnthropicStopReason.nullable(),
	/** The stop sequence that ended the answer, when one did and Hearth knows which. */
	stop_sequence: z.string().nullable(),
	usage: AnthropicUsage,
});
export type AnthropicMessage = z.infer<typeof AnthropicMessage>;
