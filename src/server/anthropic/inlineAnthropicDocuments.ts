import { z } from "zod";
import type { AnthropicMessageParam } from "../../api/anthropic/AnthropicMessagesRequest.js";
import type { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import { HttpError } from "../HttpError.js";

/** The document sources Hearth reads: base64 (PDF, DOCX, text…) and plain text. */
const DocumentSource = z.discriminatedUnion("type", [
	z.object({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string() }),
	z.object({ type: z.literal("text"), media_type: z.string().optional(), data: z.string() }),
]);

/**
 * Messages API turns with their `document` blocks read into text blocks holding each document
 * whole (documentBlock), named by the block's `title`. URL and file sources are refused: Hearth
 * fetches nothing a request names.
 */
export async function inlineAnthropicDocuments(
	messages: AnthropicMessageParam[],
	documents: InlinedDocuments,
): Promise<AnthropicMessageParam[]> {
	return await Promise.all(
		messages.map(async (message, m) => {
			const content = message.content;
			if (typeof content === "string" || !content.some((b) => b.type === "document")) return message;
			const blocks = [];
			for (const [b, block] of content.entries()) {
				if (block.type !== "document") {
					blocks.push(block);
					continue;
				}
				const at = `messages.${m}.content.${b}`;
				const source = DocumentSource.safeParse(block.source);
				if (!source.success)
					throw new HttpError(
						400,
						`${at}.source: documents are read from base64 or text sources; Hearth fetches no URL or file id`,
						"unsupported_content",
						`${at}.source`,
					);
				const title = typeof block.title === "string" && block.title ? block.title : `document-${m + 1}-${b + 1}`;
				const text =
					source.data.type === "text"
						? await documents.read({ name: title, text: source.data.data })
						: await documents.read({ name: title, base64: source.data.data, mime: source.data.media_type });
				blocks.push({ type: "text" as const, text });
			}
			return { ...message, content: blocks } as AnthropicMessageParam;
		}),
	);
}
