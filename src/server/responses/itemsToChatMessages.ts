import type { ResponsesContentPart, ResponsesInputItem } from "../../api/openai/ResponsesRequest.js";
import type { ChatMessage } from "../../engine/Engine.js";
import { HttpError } from "../HttpError.js";

/**
 * Responses input items as the engine's chat messages: a message is a turn (developer is system),
 * function_call items join the assistant turn before them (or make one), a function_call_output is
 * a tool message, and reasoning items are left out, as chat templates leave out earlier thinking.
 * `where(i)` names item i in an error (its request field).
 */
export function itemsToChatMessages(items: ResponsesInputItem[], where: (index: number) => string): ChatMessage[] {
	const messages: ChatMessage[] = [];
	for (const [index, item] of items.entries()) {
		const param = where(index);
		if (item.type === "message") {
			const content = textOf(item.content, `${param}.content`);
			messages.push({ role: item.role === "developer" ? "system" : item.role, content });
		} else if (item.type === "function_call") {
			const call = { id: item.call_id, name: item.name, arguments: item.arguments };
			const last = messages.at(-1);
			if (last?.role === "assistant") last.toolCalls = [...(last.toolCalls ?? []), call];
			else messages.push({ role: "assistant", content: "", toolCalls: [call] });
		} else if (item.type === "mcp_call") {
			// The call as the model made it (by its function name, see mcpResponse), then its result.
			const call = { id: item.id, name: `${item.server_label}__${item.name}`.replace(/[^\w]/g, "_"), arguments: item.arguments };
			const last = messages.at(-1);
			if (last?.role === "assistant") last.toolCalls = [...(last.toolCalls ?? []), call];
			else messages.push({ role: "assistant", content: "", toolCalls: [call] });
			messages.push({ role: "tool", content: item.output ?? item.error ?? "", toolCallId: item.id });
		} else if (item.type === "function_call_output") {
			messages.push({ role: "tool", content: textOf(item.output, `${param}.output`), toolCallId: item.call_id });
		}
	}
	return messages;
}

/** A content string, or its text parts joined by newlines; images, files and audio are refused. */
function textOf(content: string | ResponsesContentPart[], param: string): string {
	if (typeof content === "string") return content;
	return content
		.map((part, i) => {
			if (part.type === "input_text" || part.type === "output_text") return part.text;
			if (part.type === "refusal") return part.refusal;
			throw new HttpError(
				400,
				`Hearth's models read text only: ${part.type} is not supported`,
				"unsupported_content",
				`${param}.${i}`,
			);
		})
		.join("\n");
}
