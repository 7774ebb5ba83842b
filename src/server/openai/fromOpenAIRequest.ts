import type { OpenAIChatMessage, OpenAIChatRequest } from "../../api/openai/OpenAIChatRequest.js";
import type { OpenAICompletionRequest } from "../../api/openai/OpenAICompletionRequest.js";
import type { ChatMessage, OutputFormat, SamplingOptions, ToolChoice, ToolDefinition } from "../../engine/Engine.js";
import { HttpError } from "../HttpError.js";

export interface TranslatedRequest {
	model: string;
	sampling: SamplingOptions;
	stream: boolean;
	includeUsage: boolean;
	ttlSeconds?: number;
}

/** OpenAI's sampling fields (and llama.cpp's extras) as Hearth's sampling options; unset stays unset. */
export function fromOpenAISampling(body: OpenAIChatRequest | OpenAICompletionRequest): TranslatedRequest {
	const unset = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
	return {
		model: body.model,
		stream: Boolean(body.stream),
		includeUsage: Boolean(body.stream_options?.include_usage),
		ttlSeconds: unset(body.ttl),
		sampling: {
			temperature: unset(body.temperature),
			topP: unset(body.top_p),
			topK: unset(body.top_k),
			minP: unset(body.min_p),
			repeatPenalty: unset(body.repeat_penalty),
			presencePenalty: unset(body.presence_penalty),
			frequencyPenalty: unset(body.frequency_penalty),
			maxTokens: unset(body.max_completion_tokens) ?? unset(body.max_tokens),
			stop: body.stop == null ? undefined : typeof body.stop === "string" ? [body.stop] : body.stop,
			seed: unset(body.seed),
			contextOverflowPolicy: unset(body.context_overflow_policy),
			logitBias: body.logit_bias
				? Object.fromEntries(Object.entries(body.logit_bias).map(([k, v]) => [Number(k), v]))
				: undefined,
		},
	};
}

/** A chat request: messages flattened to text, `response_format` to a grammar, `tool_choice` to the engine's. */
export function fromOpenAIChatRequest(
	body: OpenAIChatRequest,
): TranslatedRequest & { messages: ChatMessage[]; tools?: ToolDefinition[]; toolChoice?: ToolChoice } {
	const base = fromOpenAISampling(body);
	const format: OutputFormat | undefined =
		body.response_format?.type === "json_object"
			? { type: "json" }
			: body.response_format?.type === "json_schema"
				? { type: "json_schema", schema: body.response_format.json_schema.schema }
				: undefined;
	const tools =
		body.tool_choice === "none" || !body.tools?.length
			? undefined
			: body.tools.map((t) => ({
					name: t.function.name,
					description: t.function.description,
					parameters: t.function.parameters,
				}));
	if (tools && format)
		throw new HttpError(400, "tools and response_format cannot be used together", "invalid_request", "response_format");
	return {
		...base,
		sampling: { ...base.sampling, format },
		messages: body.messages.map(toChatMessage),
		tools,
		toolChoice: toToolChoice(body.tool_choice, tools),
	};
}

/** OpenAI's tool_choice as the engine's; "none" and "auto" need nothing (without tools there is nothing to call). */
function toToolChoice(choice: OpenAIChatRequest["tool_choice"], tools: ToolDefinition[] | undefined): ToolChoice | undefined {
	if (choice == null || choice === "auto" || choice === "none") return undefined;
	if (!tools)
		throw new HttpError(400, "tool_choice forces a tool call, but the request has no tools", "invalid_request", "tool_choice");
	if (choice === "required") return "required";
	const { name } = choice.function;
	if (!tools.some((t) => t.name === name))
		throw new HttpError(
			400,
			`tool_choice names the function "${name}", which is not one of the tools`,
			"invalid_request",
			"tool_choice",
		);
	return { name };
}

function toChatMessage(m: OpenAIChatMessage): ChatMessage {
	// File parts were read into text parts before (inlineOpenAIFiles); one left here is dropped.
	const text = (c: typeof m.content) =>
		c == null ? "" : typeof c === "string" ? c : c.map((p) => (p.type === "text" ? p.text : "")).join("\n");
	if (m.role === "tool") return { role: "tool", content: text(m.content), toolCallId: m.tool_call_id };
	if (m.role === "assistant" && m.tool_calls?.length)
		return {
			role: "assistant",
			content: text(m.content),
			toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
		};
	return { role: m.role === "developer" ? "system" : m.role, content: text(m.content) };
}
