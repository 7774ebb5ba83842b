import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions } from "node-llama-cpp";
import type { ChatMessage, ToolDefinition } from "../Engine.js";

/**
 * Messages as node-llama-cpp's chat history. An assistant message's tool calls become function
 * calls of its response, each with the result of the tool message that answers it, so the template
 * renders calls and results the way the model was trained on (or node-llama-cpp's generic syntax).
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
	const results = new Map(messages.filter((m) => m.role === "tool").map((m) => [m.toolCallId, m.content]));
	const answered = new Set<string | undefined>();
	const history: ChatHistoryItem[] = [];
	for (const m of messages) {
		if (m.role === "system" || m.role === "user") history.push({ type: m.role, text: m.content });
		else if (m.role === "assistant") {
			const calls: ChatModelFunctionCall[] = (m.toolCalls ?? []).map((call) => {
				answered.add(call.id);
				return {
					type: "functionCall",
					name: call.name,
					params: parseArguments(call.arguments, call.name),
					result: results.get(call.id) ?? "",
				};
			});
			history.push({ type: "model", response: [...(m.content ? [m.content] : []), ...calls] });
		} else if (!answered.has(m.toolCallId))
			throw new RangeError(`tool message for "${m.toolCallId}" answers no tool call of an earlier assistant message`);
	}
	return history;
}

/** Tools as node-llama-cpp's function definitions. */
export function toFunctions(tools: readonly ToolDefinition[]): ChatModelFunctions {
	return Object.fromEntries(
		tools.map((t) => [
			t.name,
			{
				description: t.description,
				...(t.parameters && Object.keys(t.parameters).length ? { params: t.parameters as never } : {}),
			},
		]),
	);
}

function parseArguments(text: string, name: string): unknown {
	try {
		return text.trim() === "" ? {} : JSON.parse(text);
	} catch {
		throw new RangeError(`the arguments of the call to ${name} are not JSON`);
	}
}
