import { z } from "zod";
import { SamplingFields } from "./SamplingFields.js";

/** Text a person (or a program) wrote. */
const InputText = z.looseObject({ type: z.literal("input_text"), text: z.string() });
/** Text the assistant wrote in an earlier turn; its `annotations` and `logprobs` are not read. */
const OutputText = z.looseObject({ type: z.literal("output_text"), text: z.string() });
/** An earlier refusal of the assistant, read as its text. */
const Refusal = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });
/** Images, files and audio: accepted by the schema so that the refusal can say why (Hearth's models read text). */
const NonTextPart = z.looseObject({ type: z.enum(["input_image", "input_file", "input_audio"]) });

/** One part of a message's content. */
export const ResponsesContentPart = z.discriminatedUnion("type", [InputText, OutputText, Refusal, NonTextPart], {
	error: "content parts are input_text, output_text or refusal",
});
export type ResponsesContentPart = z.infer<typeof ResponsesContentPart>;

/** A turn of the conversation; `type` may be left out, as OpenAI allows. */
const MessageItem = z.looseObject({
	type: z.literal("message"),
	/** developer is OpenAI's newer name for system. */
	role: z.enum(["user", "assistant", "system", "developer"]),
	/** Text, or parts of it. */
	content: z.union([z.string(), z.array(ResponsesContentPart)]),
});

/** A function the assistant called in an earlier turn (an output item given back). */
const FunctionCallItem = z.looseObject({
	type: z.literal("function_call"),
	/** The id that the function's output answers. */
	call_id: z.string().min(1),
	name: z.string().min(1),
	/** The parameters as JSON text. */
	arguments: z.string(),
});

/** A function's result, answering the call `call_id`. */
const FunctionCallOutputItem = z.looseObject({
	type: z.literal("function_call_output"),
	call_id: z.string().min(1),
	/** Text, or text parts. */
	output: z.union([z.string(), z.array(ResponsesContentPart)]),
});

/** An earlier response's list of an MCP server's tools, given back: accepted and left out of the prompt. */
const McpListToolsItem = z.looseObject({ type: z.literal("mcp_list_tools") });

/** An MCP tool call an earlier response made, given back: read as the call and its result. */
const McpCallItem = z.looseObject({
	type: z.literal("mcp_call"),
	id: z.string().min(1),
	server_label: z.string(),
	name: z.string(),
	arguments: z.string(),
	output: z.string().nullish(),
	error: z.string().nullish(),
});

/** A call an earlier response asked approval for, given back: read with its approval response. */
const McpApprovalRequestItem = z.looseObject({
	type: z.literal("mcp_approval_request"),
	id: z.string().min(1),
	server_label: z.string(),
	name: z.string(),
	arguments: z.string(),
});

/** The user's word on an mcp_approval_request: the call runs (approve) or the model is told it was denied. */
const McpApprovalResponseItem = z.looseObject({
	type: z.literal("mcp_approval_response"),
	approval_request_id: z.string().min(1),
	approve: z.boolean(),
	reason: z.string().nullish(),
});

/** An earlier turn's reasoning, given back: accepted and left out of the prompt, as chat templates leave out old thinking. */
const ReasoningItem = z.looseObject({ type: z.literal("reasoning") });

/** An item of `input`: a message, a function call, its output, or reasoning. */
export const ResponsesInputItem = z.preprocess(
	(item) => (item && typeof item === "object" && !("type" in item) && "role" in item ? { type: "message", ...item } : item),
	z.discriminatedUnion(
		"type",
		[
			MessageItem,
			FunctionCallItem,
			FunctionCallOutputItem,
			ReasoningItem,
			McpListToolsItem,
			McpCallItem,
			McpApprovalRequestItem,
			McpApprovalResponseItem,
		],
		{
			error:
				"input items are message, function_call, function_call_output, reasoning, mcp_list_tools, mcp_call, mcp_approval_request or mcp_approval_response (Hearth has no other hosted tools or item references)",
		},
	),
);
export type ResponsesInputItem = z.infer<typeof ResponsesInputItem>;

/** A function the model may call. */
export const ResponsesFunctionTool = z.looseObject({
	type: z.literal("function"),
	name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, "function names are letters, digits, _ and -"),
	/** What it does, for the model to decide when to call it. */
	description: z.string().nullish(),
	/** A JSON schema of its parameters; its arguments are written under a grammar made from it. */
	parameters: z.record(z.string(), z.unknown()).nullish(),
	/** Whether the arguments must match `parameters`; echoed (default true): Hearth's calls are written under the schema's grammar. */
	strict: z.boolean().nullish(),
});
export type ResponsesFunctionTool = z.infer<typeof ResponsesFunctionTool>;

/**
 * A remote MCP server's tools (OpenAI's `mcp` tool): reached at `server_url`, or — without one —
 * the server of mcp.json named by `server_label`. Hearth lists its tools, runs the model's calls
 * itself and reports them as mcp_list_tools and mcp_call output items.
 */
export const ResponsesMcpTool = z.looseObject({
	type: z.literal("mcp"),
	server_label: z.string().regex(/^[\w.-]{1,64}$/, "server_label is letters, digits, '_', '-' and '.'"),
	server_url: z.url({ protocol: /^https?$/, error: "server_url must be an http(s) URL" }).nullish(),
	headers: z.record(z.string(), z.string()).nullish(),
	/** Only these of the server's tools (a list of names, or {tool_names}). */
	allowed_tools: z.union([z.array(z.string()), z.looseObject({ tool_names: z.array(z.string()).nullish() })]).nullish(),
	/** OpenAI's default is "always"; Hearth runs calls without approval only when this says so. */
	require_approval: z
		.union([
			z.enum(["always", "never"]),
			z.looseObject({
				never: z.looseObject({ tool_names: z.array(z.string()).nullish() }).nullish(),
				always: z.looseObject({ tool_names: z.array(z.string()).nullish() }).nullish(),
			}),
		])
		.nullish(),
	server_description: z.string().nullish(),
});
export type ResponsesMcpTool = z.infer<typeof ResponsesMcpTool>;

/** Whether the model must call a function: it decides, it may not, it must, or it must call this one. */
export const ResponsesToolChoice = z.union([
	z.enum(["auto", "none", "required"]),
	z.object({ type: z.literal("function"), name: z.string() }),
]);
export type ResponsesToolChoice = z.infer<typeof ResponsesToolChoice>;

/** `text.format`: free text, any JSON object, or JSON matching a schema — enforced by grammar. */
export const ResponsesTextFormat = z.discriminatedUnion(
	"type",
	[
		z.object({ type: z.literal("text") }),
		z.object({ type: z.literal("json_object") }),
		z.looseObject({
			type: z.literal("json_schema"),
			/** The format's name (echoed). */
			name: z.string().min(1).max(64),
			/** The JSON schema the output matches. */
			schema: z.record(z.string(), z.unknown()),
			/** What the format is for (echoed). */
			description: z.string().nullish(),
			/** Echoed; the grammar always holds the output to the schema. */
			strict: z.boolean().nullish(),
		}),
	],
	{ error: "text.format is text, json_object or json_schema" },
);
export type ResponsesTextFormat = z.infer<typeof ResponsesTextFormat>;

/** `metadata`: up to 16 string pairs kept with the response. */
export const ResponsesMetadata = z
	.record(z.string().max(64), z.string().max(512))
	.refine((m) => Object.keys(m).length <= 16, "metadata holds at most 16 keys");

/**
 * POST /v1/responses, as OpenAI's Responses API defines it, plus llama.cpp's sampling extras.
 * Other fields of OpenAI's (include, reasoning, service_tier, user, prompt_cache_key…) are ignored.
 */
export const ResponsesRequest = z.looseObject({
	/** Model key, short key or path; loaded just in time. */
	model: z.string().min(1),
	/** Items, or a string for one user message; after the previous response's conversation when there is one. */
	input: z
		.preprocess(
			(input) => (typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input),
			z.array(ResponsesInputItem),
		)
		.optional(),
	/** A system message put first; not carried over to responses that continue this one. */
	instructions: z.string().nullish(),
	/** Upper bound on generated tokens; the response is "incomplete" when it stops there. */
	max_output_tokens: z.number().int().min(1).nullish(),
	temperature: SamplingFields.temperature,
	top_p: SamplingFields.top_p,
	/** Functions the model may call; hosted tools (web_search, file_search…) are OpenAI's. */
	tools: z
		.array(
			z.discriminatedUnion("type", [ResponsesFunctionTool, ResponsesMcpTool], {
				error: "Hearth runs function tools and MCP tools (type: function or mcp)",
			}),
		)
		.nullish(),
	/** Default "auto". */
	tool_choice: ResponsesToolChoice.nullish(),
	/** Echoed; with false, only the model's first call is kept. Default true. */
	parallel_tool_calls: z.boolean().nullish(),
	/** The output's format; `verbosity` is ignored. */
	text: z.looseObject({ format: ResponsesTextFormat.nullish() }).nullish(),
	/** "auto" drops the oldest turns when the conversation outgrows the context; "disabled" (default) refuses it. */
	truncation: z.enum(["auto", "disabled"]).nullish(),
	/** Stream the response as server-sent events. */
	stream: z.boolean().nullish(),
	/** Keep the response for GET, DELETE and previous_response_id. Default true. */
	store: z.boolean().nullish(),
	/** A stored response this one continues: its input items and its output come before `input`. */
	previous_response_id: z.string().min(1).nullish(),
	metadata: ResponsesMetadata.nullish(),
	/** Only in the foreground: Hearth answers while the client waits. */
	background: z.literal(false, { error: "Hearth answers in the foreground only: background must be false" }).nullish(),
	/** OpenAI's Conversations API is not Hearth's: previous_response_id continues a conversation. */
	conversation: z.null({ error: "Hearth has no conversations API: continue a response with previous_response_id" }).optional(),
	/** OpenAI's stored prompt templates are not Hearth's. */
	prompt: z.null({ error: "Hearth has no stored prompts: send instructions and input" }).optional(),
	/** Not in OpenAI's API; llama.cpp's top-k. */
	top_k: SamplingFields.top_k,
	/** Not in OpenAI's API; llama.cpp's min-p. */
	min_p: SamplingFields.min_p,
	/** Not in OpenAI's API; llama.cpp's repeat penalty. */
	repeat_penalty: SamplingFields.repeat_penalty,
	/** Not in OpenAI's Responses API; same seed, prompt and settings give the same answer. */
	seed: SamplingFields.seed,
	/** LM Studio's: seconds the model stays loaded after this request. */
	ttl: SamplingFields.ttl,
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
