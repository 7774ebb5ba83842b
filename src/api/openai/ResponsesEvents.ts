import { z } from "zod";
import { ResponsesObject, ResponsesOutputItem, ResponsesOutputText, ResponsesReasoningText } from "./ResponsesObject.js";

/**
 * The server-sent events of a streamed response, in OpenAI's order: response.created,
 * response.in_progress, then for each output item its added event, its parts and deltas, its done
 * event, and last response.completed or response.incomplete with the whole response. Each is sent
 * as `event: <type>` and `data: <json>`; `sequence_number` counts from 0. No `[DONE]` follows.
 */
const Sequenced = { sequence_number: z.number().int().min(0) };

/** Where an item's event belongs: the item's id and its place in `output`. */
const InItem = { item_id: z.string(), output_index: z.number().int().min(0) };

/** The response as it stands: in progress (no output yet, usage null) at first, whole at the end. */
const Lifecycle = <T extends "response.created" | "response.in_progress" | "response.completed" | "response.incomplete">(
	type: T,
) => z.object({ type: z.literal(type), ...Sequenced, response: ResponsesObject });

/** An output item begins (empty: no parts, arguments "") or ends (whole). */
const ItemEvent = <T extends "response.output_item.added" | "response.output_item.done">(type: T) =>
	z.object({ type: z.literal(type), ...Sequenced, output_index: z.number().int().min(0), item: ResponsesOutputItem });

/** A part of a message or reasoning item begins (text "") or ends (whole). */
const PartEvent = <T extends "response.content_part.added" | "response.content_part.done">(type: T) =>
	z.object({
		type: z.literal(type),
		...Sequenced,
		...InItem,
		content_index: z.number().int().min(0),
		part: z.union([ResponsesOutputText, ResponsesReasoningText]),
	});

export const ResponsesStreamEvent = z.discriminatedUnion("type", [
	Lifecycle("response.created"),
	Lifecycle("response.in_progress"),
	ItemEvent("response.output_item.added"),
	PartEvent("response.content_part.added"),
	/** More answer text. */
	z.object({
		type: z.literal("response.output_text.delta"),
		...Sequenced,
		...InItem,
		content_index: z.number().int().min(0),
		delta: z.string(),
		/** Log probabilities are not available: []. */
		logprobs: z.array(z.never()),
	}),
	/** The part's whole text. */
	z.object({
		type: z.literal("response.output_text.done"),
		...Sequenced,
		...InItem,
		content_index: z.number().int().min(0),
		text: z.string(),
		logprobs: z.array(z.never()),
	}),
	/** More reasoning text. */
	z.object({
		type: z.literal("response.reasoning_text.delta"),
		...Sequenced,
		...InItem,
		content_index: z.number().int().min(0),
		delta: z.string(),
	}),
	/** The reasoning part's whole text. */
	z.object({
		type: z.literal("response.reasoning_text.done"),
		...Sequenced,
		...InItem,
		content_index: z.number().int().min(0),
		text: z.string(),
	}),
	/** More of a function call's arguments (JSON text). */
	z.object({ type: z.literal("response.function_call_arguments.delta"), ...Sequenced, ...InItem, delta: z.string() }),
	/** The call's whole arguments. */
	z.object({
		type: z.literal("response.function_call_arguments.done"),
		...Sequenced,
		...InItem,
		name: z.string(),
		arguments: z.string(),
	}),
	PartEvent("response.content_part.done"),
	ItemEvent("response.output_item.done"),
	Lifecycle("response.completed"),
	Lifecycle("response.incomplete"),
	/** A failure after the stream began (before it, the answer is an HTTP error in OpenAI's error shape). */
	z.object({
		type: z.literal("error"),
		...Sequenced,
		/** A stable machine code such as "runner_exited". */
		code: z.string().nullable(),
		/** What went wrong, for people. */
		message: z.string(),
		/** The request field at fault, when one is. */
		param: z.string().nullable(),
	}),
]);
export type ResponsesStreamEvent = z.infer<typeof ResponsesStreamEvent>;
