import type { AnthropicCountTokensRequest } from "../../api/anthropic/AnthropicCountTokensRequest.js";
import type {
	AnthropicContentBlockParam,
	AnthropicMessageParam,
	AnthropicMessagesRequest,
	AnthropicToolChoice,
} from "../../api/anthropic/AnthropicMessagesRequest.js";
import type { ChatMessage, ChatRequest, ToolCall, ToolChoice, ToolDefinition } from "../../engine/Engine.js";
import { HttpError } from "../HttpError.js";

/** What a request gives the model before sampling: what /v1/messages generates from and count_tokens counts. */
export interface AnthropicPrompt {
	messages: ChatMessage[];
	tools?: ToolDefinition[];
	toolChoice?: ToolChoice;
}

/** A /v1/messages request in Hearth's words. */
export interface AnthropicChat {
	model: string;
	request: ChatRequest;
	stream: boolean;
	/** Whether a thinking model's reasoning is answered as thinking blocks: unless `thinking.type` is "disabled". */
	thinking: boolean;
}

/** A /v1/messages request as the scheduler's chat request. */
export function fromAnthropicRequest(body: AnthropicMessagesRequest): AnthropicChat {
	const unset = <T>(v: T | null | undefined): T | undefined => v ?? undefined;
	return {
		model: body.model,
		stream: Boolean(body.stream),
		thinking: body.thinking?.type !== "disabled",
		request: {
			...fromAnthropicPrompt(body),
			maxTokens: body.max_tokens,
			stop: unset(body.stop_sequences),
			temperature: unset(body.temperature),
			topP: unset(body.top_p),
			topK: unset(body.top_k),
		},
	};
}

/**
 * The system prompt first, then each turn: an assistant turn's text and tool_use blocks are one
 * assistant message with its calls; a user turn's tool_result blocks are tool messages and its
 * text (blocks joined by a newline, as in the OpenAI dialect) a user message, in their order.
 * Reasoning passed back is left out; images and documents are refused.
 */
export function fromAnthropicPrompt(body: AnthropicCountTokensRequest): AnthropicPrompt {
	const system = typeof body.system === "string" ? body.system : (body.system ?? []).map((b) => b.text).join("\n");
	const messages: ChatMessage[] = system ? [{ role: "system", content: system }] : [];
	body.messages.forEach((m, i) => {
		messages.push(...toChatMessages(m, `messages.${i}`));
	});
	if (!body.tools?.length) {
		if (body.tool_choice?.type === "any" || body.tool_choice?.type === "tool")
			throw new HttpError(
				400,
				`tool_choice "${body.tool_choice.type}" needs tools to choose from`,
				"invalid_request",
				"tool_choice",
			);
		return { messages };
	}
	const tools = body.tools.map((t) => ({ name: t.name, description: t.description ?? undefined, parameters: t.input_schema }));
	return { messages, tools, toolChoice: toToolChoice(body.tool_choice ?? undefined, tools) };
}

function toChatMessages(message: AnthropicMessageParam, at: string): ChatMessage[] {
	const blocks: AnthropicContentBlockParam[] =
		typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
	if (message.role === "assistant") {
		const text: string[] = [];
		const toolCalls: ToolCall[] = [];
		blocks.forEach((block, j) => {
			if (block.type === "text") text.push(block.text);
			else if (block.type === "tool_use")
				toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
			else if (block.type !== "thinking" && block.type !== "redacted_thinking")
				refuse(block.type, `${at}.content.${j}`, "assistant");
		});
		return [{ role: "assistant", content: text.join("\n"), ...(toolCalls.length ? { toolCalls } : {}) }];
	}
	const out: ChatMessage[] = [];
	let text: string[] | undefined;
	const flush = () => {
		if (text) out.push({ role: message.role, content: text.join("\n") });
		text = undefined;
	};
	blocks.forEach((block, j) => {
		const where = `${at}.content.${j}`;
		if (block.type === "text") text = [...(text ?? []), block.text];
		else if (block.type === "tool_result" && message.role === "user") {
			flush();
			out.push({ role: "tool", content: toolResultText(block, where), toolCallId: block.tool_use_id });
		} else if (block.type !== "thinking" && block.type !== "redacted_thinking") refuse(block.type, where, message.role);
	});
	if (text || out.length === 0) out.push({ role: message.role, content: (text ?? []).join("\n") });
	return out;
}

function toolResultText(block: Extract<AnthropicContentBlockParam, { type: "tool_result" }>, at: string): string {
	const content = block.content ?? "";
	const parts =
		typeof content === "string"
			? [content]
			: content.map((part, k) => (part.type === "text" ? part.text : refuse(part.type, `${at}.content.${k}`, "tool_result")));
	const text = parts.join("\n");
	return block.is_error ? `Error: ${text}` : text;
}

function toToolChoice(choice: AnthropicToolChoice | undefined, tools: ToolDefinition[]): ToolChoice | undefined {
	switch (choice?.type) {
		case undefined:
			return undefined;
		case "auto":
			return "auto";
		case "any":
			return "required";
		case "none":
			return "none";
		case "tool": {
			if (!tools.some((t) => t.name === choice.name))
				throw new HttpError(
					400,
					`tool_choice names the tool "${choice.name}", which is not among the request's tools (${tools.map((t) => t.name).join(", ")})`,
					"invalid_request",
					"tool_choice.name",
				);
			return { name: choice.name };
		}
	}
}

function refuse(type: string, at: string, where: string): never {
	if (type === "image" || type === "document")
		throw new HttpError(
			400,
			`${at}: ${type} blocks are not supported yet; Hearth's models read text only`,
			"unsupported_content",
			at,
		);
	throw new HttpError(400, `${at}: a ${type} block cannot be in a "${where}" turn`, "invalid_request", at);
}
