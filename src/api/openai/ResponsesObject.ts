import { z } from "zod";
import { ResponsesMetadata, ResponsesToolChoice } from "./ResponsesRequest.js";

/** Whether an output item is being written, was finished, or was cut short (by max_output_tokens). */
export const ResponsesItemStatus = z.enum(["in_progress", "completed", "incomplete"]);

/** Answer text, as a part of a message item. */
export const ResponsesOutputText = z.object({
	type: z.literal("output_text"),
	/** Citations; a local model makes none. */
	annotations: z.array(z.never()),
	/** Log probabilities are not available. */
	logprobs: z.array(z.never()),
	text: z.string(),
});
export type ResponsesOutputText = z.infer<typeof ResponsesOutputText>;

/** Reasoning text (what a thinking model writes in its template's thinking tags), as a part of a reasoning item. */
export const ResponsesReasoningText = z.object({ type: z.literal("reasoning_text"), text: z.string() });
export type ResponsesReasoningText = z.infer<typeof ResponsesReasoningText>;

/** The assistant's answer text. */
export const ResponsesMessageItem = z.object({
	/** "msg_…". */
	id: z.string(),
	type: z.literal("message"),
	status: ResponsesItemStatus,
	/** One output_text part (none while in progress). */
	content: z.array(ResponsesOutputText),
	role: z.literal("assistant"),
});
export type ResponsesMessageItem = z.infer<typeof ResponsesMessageItem>;

/** A function the model called; the caller runs it and answers with a function_call_output item. */
export const ResponsesFunctionCallItem = z.object({
	/** "fc_…": the item's id. */
	id: z.string(),
	type: z.literal("function_call"),
	status: ResponsesItemStatus,
	/** The parameters as JSON text ("" while in progress). */
	arguments: z.string(),
	/** "call_…": the id a function_call_output answers. */
	call_id: z.string(),
	name: z.string(),
});
export type ResponsesFunctionCallItem = z.infer<typeof ResponsesFunctionCallItem>;

/** A thinking model's reasoning, apart from the answer. */
export const ResponsesReasoningItem = z.object({
	/** "rs_…". */
	id: z.string(),
	type: z.literal("reasoning"),
	/** Summaries are not written: the reasoning itself is in `content`. */
	summary: z.array(z.never()),
	/** One reasoning_text part (none while in progress). */
	content: z.array(ResponsesReasoningText),
});
export type ResponsesReasoningItem = z.infer<typeof ResponsesReasoningItem>;

/** The tools an MCP server offered, listed before the model's first call of them. */
export const ResponsesMcpListToolsItem = z.object({
	/** "mcpl_…". */
	id: z.string(),
	type: z.literal("mcp_list_tools"),
	server_label: z.string(),
	tools: z.array(
		z.object({
			name: z.string(),
			description: z.string().nullable(),
			input_schema: z.record(z.string(), z.unknown()),
			annotations: z.null(),
		}),
	),
	/** Why the server could not be listed; its tools are then not offered. */
	error: z.string().nullable().optional(),
});
export type ResponsesMcpListToolsItem = z.infer<typeof ResponsesMcpListToolsItem>;

/** A call of an MCP tool that Hearth made for the model, with what came back. */
export const ResponsesMcpCallItem = z.object({
	/** "mcp_…". */
	id: z.string(),
	type: z.literal("mcp_call"),
	server_label: z.string(),
	name: z.string(),
	arguments: z.string(),
	/** The result's text (cut and marked past 64 KiB); null when the call failed. */
	output: z.string().nullable(),
	/** Why the call failed (the server's fault, or the tool's own error); null when it did not. */
	error: z.string().nullable(),
	/** The approval request it answers, when it needed one. */
	approval_request_id: z.string().optional(),
});
export type ResponsesMcpCallItem = z.infer<typeof ResponsesMcpCallItem>;

/** A call the model made of an MCP tool that needs the user's approval: answer it with an mcp_approval_response item. */
export const ResponsesMcpApprovalRequestItem = z.object({
	/** "mcpr_…": what the approval response names. */
	id: z.string(),
	type: z.literal("mcp_approval_request"),
	server_label: z.string(),
	name: z.string(),
	arguments: z.string(),
});
export type ResponsesMcpApprovalRequestItem = z.infer<typeof ResponsesMcpApprovalRequestItem>;

/** An item of `output`, in the order the model wrote them. */
export const ResponsesOutputItem = z.discriminatedUnion("type", [
	ResponsesMessageItem,
	ResponsesFunctionCallItem,
	ResponsesReasoningItem,
	ResponsesMcpListToolsItem,
	ResponsesMcpCallItem,
	ResponsesMcpApprovalRequestItem,
]);
export type ResponsesOutputItem = z.infer<typeof ResponsesOutputItem>;

/** Tokens of a response. */
export const ResponsesUsage = z.object({
	/** Prompt tokens: instructions, the previous response's conversation and the input, as the template renders them. */
	input_tokens: z.number(),
	/** Prompt tokens reused from the sequence's cache (a conversation's earlier turns), not evaluated again. */
	input_tokens_details: z.object({ cached_tokens: z.number() }),
	/** Generated tokens, reasoning included. */
	output_tokens: z.number(),
	/** Hearth does not count reasoning tokens apart: 0. */
	output_tokens_details: z.object({ reasoning_tokens: z.number() }),
	total_tokens: z.number(),
});
export type ResponsesUsage = z.infer<typeof ResponsesUsage>;

/** A function tool as the response repeats it. */
export const ResponsesToolEcho = z.union([
	z.object({
		type: z.literal("function"),
		description: z.string().nullable(),
		name: z.string(),
		parameters: z.record(z.string(), z.unknown()).nullable(),
		strict: z.boolean(),
	}),
	/** An MCP tool, repeated as given (its headers left out: they may hold keys). */
	z.looseObject({ type: z.literal("mcp"), server_label: z.string() }),
]);

/** `text.format` as the response repeats it. */
export const ResponsesTextFormatEcho = z.discriminatedUnion("type", [
	z.object({ type: z.literal("text") }),
	z.object({ type: z.literal("json_object") }),
	z.object({
		type: z.literal("json_schema"),
		description: z.string().nullable(),
		name: z.string(),
		schema: z.record(z.string(), z.unknown()),
		strict: z.boolean(),
	}),
]);

/** The request's settings that a response repeats, with Hearth's defaults filled in. */
export const ResponsesEcho = z.object({
	instructions: z.string().nullable(),
	max_output_tokens: z.number().nullable(),
	parallel_tool_calls: z.boolean(),
	previous_response_id: z.string().nullable(),
	store: z.boolean(),
	/** The temperature sampled with (Hearth's default 0.8 when unset). */
	temperature: z.number(),
	text: z.object({ format: ResponsesTextFormatEcho }),
	tool_choice: ResponsesToolChoice,
	tools: z.array(ResponsesToolEcho),
	/** The top-p sampled with (Hearth's default 0.95 when unset). */
	top_p: z.number(),
	truncation: z.enum(["auto", "disabled"]),
	metadata: ResponsesMetadata,
});
export type ResponsesEcho = z.infer<typeof ResponsesEcho>;

/** Why a response stopped before the model finished it. */
export const ResponsesIncompleteReason = z.enum(["max_output_tokens"]);

/**
 * A response, as POST /v1/responses answers it (and as its stream's first and last events carry
 * it), GET /v1/responses/{id} returns it, and previous_response_id continues it. Keys are in
 * OpenAI's order. The SDKs' `output_text` is theirs: they compute it from `output`.
 */
export const ResponsesObject = z.object({
	/** "resp_…". */
	id: z.string(),
	object: z.literal("response"),
	/** Unix seconds. */
	created_at: z.number(),
	status: z.enum(["in_progress", "completed", "incomplete"]),
	/** Always null: a failed generation is an HTTP error, or an `error` event once streaming. */
	error: z.null(),
	incomplete_details: z.object({ reason: ResponsesIncompleteReason }).nullable(),
	instructions: ResponsesEcho.shape.instructions,
	max_output_tokens: ResponsesEcho.shape.max_output_tokens,
	/** The model's key. */
	model: z.string(),
	output: z.array(ResponsesOutputItem),
	parallel_tool_calls: ResponsesEcho.shape.parallel_tool_calls,
	previous_response_id: ResponsesEcho.shape.previous_response_id,
	store: ResponsesEcho.shape.store,
	temperature: ResponsesEcho.shape.temperature,
	text: ResponsesEcho.shape.text,
	tool_choice: ResponsesEcho.shape.tool_choice,
	tools: ResponsesEcho.shape.tools,
	top_p: ResponsesEcho.shape.top_p,
	truncation: ResponsesEcho.shape.truncation,
	/** null until the response is done. */
	usage: ResponsesUsage.nullable(),
	metadata: ResponsesEcho.shape.metadata,
});
export type ResponsesObject = z.infer<typeof ResponsesObject>;

/** DELETE /v1/responses/{id}. */
export const ResponsesDeleted = z.object({ id: z.string(), object: z.literal("response.deleted"), deleted: z.literal(true) });
export type ResponsesDeleted = z.infer<typeof ResponsesDeleted>;
