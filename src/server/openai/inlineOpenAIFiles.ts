import type { OpenAIChatMessage } from "../../api/openai/OpenAIChatRequest.js";
import type { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import { HttpError } from "../HttpError.js";

/**
 * Chat Completions messages with their file parts (`{"type": "file", "file": {"filename",
 * "file_data"}}`) read into text parts holding each document whole (documentBlock), in place.
 */
export async function inlineOpenAIFiles(
	messages: OpenAIChatMessage[],
	documents: InlinedDocuments,
): Promise<OpenAIChatMessage[]> {
	return await Promise.all(
		messages.map(async (message, m) => {
			const content = message.content;
			if (!Array.isArray(content) || !content.some((p) => p.type === "file")) return message;
			const parts = [];
			for (const [p, part] of content.entries()) {
				if (part.type === "text") {
					parts.push(part);
					continue;
				}
				const at = `messages.${m}.content.${p}`;
				if (part.file.file_id !== undefined && part.file.file_data === undefined)
					throw new HttpError(
						400,
						`${at}: file_id needs OpenAI's Files API; send the file as file_data`,
						"unsupported_content",
						at,
					);
				if (part.file.file_data === undefined)
					throw new HttpError(400, `${at}: a file part needs file_data`, "invalid_request", at);
				const name = part.file.filename ?? `attachment-${m + 1}-${p + 1}`;
				parts.push({ type: "text" as const, text: await documents.read({ name, dataUrl: part.file.file_data }) });
			}
			return { ...message, content: parts } as OpenAIChatMessage;
		}),
	);
}
