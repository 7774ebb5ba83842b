import type { OpenAIChatMessage, OpenAIChatRequest } from "../../api/openai/OpenAIChatRequest.js";
import type { OpenAICompletionRequest } from "../../api/openai/OpenAICompletionRequest.js";
import type { ChatMessage, OutputFormat, SamplingOptions, ToolDefinition } from "../../engine/Engine.js";
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

/** A chat request: messages flattened to text, `response_format` to a grammar. */
export function fromOpenAIChatRequest(
	body: OpenAIChatRequest,
): TranslatedRequest & { messages: ChatMessage[]; tools?: ToolDefinition[] } {
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
	return { ...base, sampling: { ...base.sampling, format }, messages: body.messages.map(toChatMessage), tools };
}

function toChatMessage(m: OpenAIChatMessage): ChatMessage {
	const text = (c: typeof m.content) => (c == null ? "" : typeof c === "string" ? c : c.map((p) => p.text).join("\n"));
	if (m.role === "tool") return { role: "tool", content: text(m.content), toolCallId: m.tool_call_id };
	if (m.role === "assistant" && m.tool_calls?.length)
		return {
			role: "assistant",
			content: text(m.content),
			toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
		};
	return { role: m.role === "developer" ? "system" : m.role, content: text(m.content) };
}
