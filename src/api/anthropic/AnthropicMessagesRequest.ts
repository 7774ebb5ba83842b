import { z } from "zod";

/** A text block: what a person, the system or the model wrote. */
export const AnthropicTextBlockParam = z.looseObject({
	type: z.literal("text"),
	/** The text itself; `cache_control` and `citations` beside it are accepted and ignored. */
	text: z.string(),
});

/** An image or a PDF: accepted here so that the translator can refuse it by name (Hearth's models read text only). */
const MediaBlockParam = z.looseObject({
	type: z.enum(["image", "document"]),
	/** base64, URL or file source, as Anthropic defines it; never read. */
	source: z.unknown(),
});

/** A call the model made in an earlier turn, passed back. */
const ToolUseBlockParam = z.looseObject({
	type: z.literal("tool_use"),
	/** The call's id, which the `tool_result` answering it names. */
	id: z.string().min(1),
	/** The tool called. */
	name: z.string().min(1),
	/** The arguments, as an object. */
	input: z.record(z.string(), z.unknown()),
});

/** A tool's answer to a call, in a user turn. */
const ToolResultBlockParam = z.looseObject({
	type: z.literal("tool_result"),
	/** The `tool_use` block this answers. */
	tool_use_id: z.string().min(1),
	/** The result: text, or blocks of text (images are refused). Absent: an empty result. */
	content: z.union([z.string(), z.array(z.discriminatedUnion("type", [AnthropicTextBlockParam, MediaBlockParam]))]).nullish(),
	/** The tool failed: the model reads the content after "Error: ". */
	is_error: z.boolean().nullish(),
});

/** The model's reasoning from an earlier turn, passed back; not shown to the model again (as templates drop it too). */
const ThinkingBlockParam = z.looseObject({
	type: z.enum(["thinking", "redacted_thinking"]),
});

/** One block of a message's content. */
export const AnthropicContentBlockParam = z.discriminatedUnion("type", [
	AnthropicTextBlockParam,
	MediaBlockParam,
	ToolUseBlockParam,
	ToolResultBlockParam,
	ThinkingBlockParam,
]);
export type AnthropicContentBlockParam = z.infer<typeof AnthropicContentBlockParam>;

/** One turn of the conversation. */
export const AnthropicMessageParam = z.looseObject({
	/** "user" (text and tool results) or "assistant" (text and tool calls); "system" as the SDK also allows. */
	role: z.enum(["user", "assistant", "system"]),
	/** A string is one text block. A last assistant turn is continued (prefill). */
	content: z.union([z.string(), z.array(AnthropicContentBlockParam)]),
});
export type AnthropicMessageParam = z.infer<typeof AnthropicMessageParam>;

/** A function the client runs, which the model may call. */
export const AnthropicTool = z.looseObject({
	/** "custom" or absent; Anthropic's server tools (web search, code execution …) are not offered. */
	type: z
		.literal("custom", { error: "only custom tools (functions the client runs) are supported, not Anthropic's server tools" })
		.nullish(),
	/** The name the model calls it by. */
	name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, "tool names are 1 to 128 letters, digits, _ and -"),
	/** What it does, for the model. */
	description: z.string().nullish(),
	/** A JSON schema of its input object. */
	input_schema: z.record(z.string(), z.unknown()),
});
export type AnthropicTool = z.infer<typeof AnthropicTool>;

/** `disable_parallel_tool_use` is accepted on each and ignored. */
export const AnthropicToolChoice = z.discriminatedUnion("type", [
	/** The model decides (the default). */
	z.looseObject({ type: z.literal("auto") }),
	/** The model must call one of the tools. */
	z.looseObject({ type: z.literal("any") }),
	/** The model must call this tool. */
	z.looseObject({ type: z.literal("tool"), name: z.string().min(1) }),
	/** The model may not call a tool. */
	z.looseObject({ type: z.literal("none") }),
]);
export type AnthropicToolChoice = z.infer<typeof AnthropicToolChoice>;

/** The fields that make the prompt, shared with /v1/messages/count_tokens. */
export const AnthropicPromptFields = {
	/** Model key, short key or path; loaded just in time. */
	model: z.string().min(1),
	/** The conversation, oldest first. */
	messages: z.array(AnthropicMessageParam).min(1),
	/** The system prompt: a string or text blocks, put before the messages. */
	system: z.union([z.string(), z.array(AnthropicTextBlockParam)]).nullish(),
	/** Functions the model may call. */
	tools: z.array(AnthropicTool).nullish(),
	/** Whether it must call one; only read with `tools`. */
	tool_choice: AnthropicToolChoice.nullish(),
	/** `{"type": "disabled"}` leaves a thinking model's reasoning out of the answer; otherwise it comes as thinking blocks. */
	thinking: z.looseObject({ type: z.string() }).nullish(),
} as const;

/** POST /v1/messages, as Anthropic's Messages API defines it. */
export const AnthropicMessagesRequest = z.looseObject({
	...AnthropicPromptFields,
	/** The most tokens to generate; required, as in Anthropic's API, and at most the model's context length. */
	max_tokens: z
		.number({ error: (issue) => (issue.input === undefined ? "max_tokens is required" : undefined) })
		.int()
		.min(1),
	/** Generation ends before any of these; `stop_sequence` then says which. */
	stop_sequences: z.array(z.string()).max(16).nullish(),
	/** 0 is greedy; Anthropic's range. */
	temperature: z.number().min(0).max(1).nullish(),
	top_p: z.number().min(0).max(1).nullish(),
	top_k: z.number().int().min(0).nullish(),
	/** `user_id` and the like: accepted and ignored. */
	metadata: z.looseObject({}).nullish(),
	/** Stream the answer as server-sent events. */
	stream: z.boolean().nullish(),
});
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequest>;
