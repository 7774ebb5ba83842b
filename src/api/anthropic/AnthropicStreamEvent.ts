import { z } from "zod";
import { AnthropicError } from "./AnthropicError.js";
import { AnthropicMessage, AnthropicStopReason, AnthropicUsage } from "./AnthropicMessage.js";

/** A block as it opens: empty, to be filled by its deltas. */
export const AnthropicBlockStart = z.discriminatedUnion("type", [
	z.object({ type: z.literal("text"), text: z.literal("") }),
	z.object({ type: z.literal("thinking"), thinking: z.literal(""), signature: z.literal("") }),
	/** Its input arrives as JSON text in `input_json_delta`s. */
	z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.object({}) }),
]);
export type AnthropicBlockStart = z.infer<typeof AnthropicBlockStart>;

/** What a delta adds to its block. */
export const AnthropicBlockDelta = z.discriminatedUnion("type", [
	z.object({ type: z.literal("text_delta"), text: z.string() }),
	z.object({ type: z.literal("thinking_delta"), thinking: z.string() }),
	/** A piece of a tool call's input, as JSON text: the pieces together are the input object. */
	z.object({ type: z.literal("input_json_delta"), partial_json: z.string() }),
]);
export type AnthropicBlockDelta = z.infer<typeof AnthropicBlockDelta>;

/**
 * One server-sent event of a streamed answer, sent as `event: <type>` and `data: <json>`:
 * message_start, then each block (content_block_start, its deltas, content_block_stop; a ping
 * after the first start), then message_delta and message_stop. An error after the first byte is
 * an `error` event and ends the stream.
 */
export const AnthropicStreamEvent = z.discriminatedUnion("type", [
	z.object({
		type: z.literal("message_start"),
		/** The message without content or stop reason; usage has the prompt's whole count as input_tokens. */
		message: AnthropicMessage,
	}),
	z.object({
		type: z.literal("content_block_start"),
		/** The block's place in the message's content. */
		index: z.number(),
		content_block: AnthropicBlockStart,
	}),
	/** Keeps the connection alive; clients ignore it. */
	z.object({ type: z.literal("ping") }),
	z.object({ type: z.literal("content_block_delta"), index: z.number(), delta: AnthropicBlockDelta }),
	z.object({ type: z.literal("content_block_stop"), index: z.number() }),
	z.object({
		type: z.literal("message_delta"),
		delta: z.object({ stop_reason: AnthropicStopReason, stop_sequence: z.string().nullable() }),
		/** The whole message's counts (cumulative, as Anthropic's are): these are final. */
		usage: AnthropicUsage,
	}),
	z.object({ type: z.literal("message_stop") }),
	AnthropicError,
]);
export type AnthropicStreamEvent = z.infer<typeof AnthropicStreamEvent>;
