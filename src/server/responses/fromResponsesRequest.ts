import type { ResponsesEcho } from "../../api/openai/ResponsesObject.js";
import type { ResponsesInputItem, ResponsesRequest } from "../../api/openai/ResponsesRequest.js";
import type { ChatMessage, ChatRequest, OutputFormat, ToolDefinition } from "../../engine/Engine.js";
import { DEFAULT_SAMPLING } from "../../engine/resolveSampling.js";
import { HttpError } from "../HttpError.js";
import { itemsToChatMessages } from "./itemsToChatMessages.js";

/** What a stored response gives the one that continues it. */
export interface ConversationSoFar {
	/** Its input items, after those of the responses it continued; never its instructions. */
	conversation: ResponsesInputItem[];
	/** Its output items, which are input items too. */
	output: ResponsesInputItem[];
}

export interface TranslatedResponsesRequest {
	model: string;
	stream: boolean;
	/** The chat the scheduler runs: messages, sampling, tools. */
	chat: ChatRequest;
	ttlSeconds?: number;
	/** The input items this response answers (the previous conversation's, then its own): what a stored response keeps. */
	conversation: ResponsesInputItem[];
	/** The settings the response repeats. */
	echo: ResponsesEcho;
}

/**
 * A Responses request as Hearth's chat request: `instructions` as the first (system) message,
 * then the previous response's conversation and output, then `input`; `text.format` as a grammar;
 * `tool_choice` none as no tools. Pure: the previous response is looked up by the caller.
 */
export function fromResponsesRequest(body: ResponsesRequest, previous?: ConversationSoFar): TranslatedResponsesRequest {
	const input = body.input ?? [];
	const history = previous ? [...previous.conversation, ...previous.output] : [];
	const conversation = [...history, ...input];
	const messages: ChatMessage[] = [
		...(body.instructions ? [{ role: "system" as const, content: body.instructions }] : []),
		...itemsToChatMessages(conversation, (i) => (i < history.length ? "previous_response_id" : `input.${i - history.length}`)),
	];
	if (messages.length === 0)
		throw new HttpError(400, "The request has no input: give input, or instructions", "invalid_request", "input");

	const format = body.text?.format ?? { type: "text" as const };
	const grammar: OutputFormat | undefined =
		format.type === "json_object"
			? { type: "json" }
			: format.type === "json_schema"
				? { type: "json_schema", schema: format.schema }
				: undefined;
	const toolChoice = body.tool_choice ?? "auto";
	// MCP tools are offered as functions by mcpResponse, before the request comes here.
	const given = (body.tools ?? []).flatMap((t) => (t.type === "function" ? [t] : []));
	const tools: ToolDefinition[] | undefined =
		toolChoice === "none" || given.length === 0
			? undefined
			: given.map((t) => ({
					name: t.name,
					...(t.description ? { description: t.description } : {}),
					...(t.parameters ? { parameters: t.parameters } : {}),
				}));
	if (toolChoice !== "auto" && toolChoice !== "none") {
		if (!tools)
			throw new HttpError(400, "tool_choice asks for a function call, but no tools are given", "invalid_request", "tool_choice");
		if (typeof toolChoice === "object" && !tools.some((t) => t.name === toolChoice.name))
			throw new HttpError(
				400,
				`tool_choice names "${toolChoice.name}", which is not one of the tools`,
				"invalid_request",
				"tool_choice",
			);
	}
	if (tools && grammar)
		throw new HttpError(400, "tools and a JSON text.format cannot be used together", "invalid_request", "text.format");

	const unset = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
	const chat: ChatRequest = {
		messages,
		temperature: unset(body.temperature),
		topP: unset(body.top_p),
		topK: unset(body.top_k),
		minP: unset(body.min_p),
		repeatPenalty: unset(body.repeat_penalty),
		seed: unset(body.seed),
		maxTokens: unset(body.max_output_tokens),
		format: grammar,
		contextOverflowPolicy: body.truncation === "auto" ? "rollingWindow" : undefined,
		tools,
		toolChoice: typeof toolChoice === "object" ? { name: toolChoice.name } : toolChoice === "required" ? "required" : undefined,
	};
	return {
		model: body.model,
		stream: Boolean(body.stream),
		chat,
		ttlSeconds: unset(body.ttl),
		conversation,
		echo: {
			instructions: body.instructions ?? null,
			max_output_tokens: body.max_output_tokens ?? null,
			parallel_tool_calls: body.parallel_tool_calls ?? true,
			previous_response_id: body.previous_response_id ?? null,
			store: body.store ?? true,
			temperature: body.temperature ?? DEFAULT_SAMPLING.temperature,
			text: {
				format:
					format.type === "json_schema"
						? {
								type: "json_schema",
								description: format.description ?? null,
								name: format.name,
								schema: format.schema,
								strict: format.strict ?? true,
							}
						: { type: format.type },
			},
			tool_choice: toolChoice,
			tools: given.map((t) => ({
				type: "function" as const,
				description: t.description ?? null,
				name: t.name,
				parameters: t.parameters ?? null,
				strict: t.strict ?? true,
			})),
			top_p: body.top_p ?? DEFAULT_SAMPLING.topP,
			truncation: body.truncation ?? "disabled",
			metadata: body.metadata ?? {},
		},
	};
}
