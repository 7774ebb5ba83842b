import type { DocumentSource } from "../api/native/NativeChat.js";
import type { InlinedDocuments } from "../documents/InlinedDocuments.js";
import type { ChatMessage } from "../engine/Engine.js";
import type { Scheduler } from "../engine/Scheduler.js";
import { type GroundingOptions, groundDocuments, type MessageWithDocuments } from "./groundDocuments.js";

/**
 * groundDocuments for the dialects that read documents whole into their messages (OpenAI,
 * Responses, Anthropic): with an embedding model, each document's block is taken out of the
 * message that holds it and placed again — whole before the message's text when everything fits,
 * else as its passages nearest to the question. Without one the messages stay as they are, and a
 * prompt too long for the context is refused as any is.
 */
export async function groundInlined(
	scheduler: Scheduler,
	chatModel: string,
	messages: ChatMessage[],
	documents: InlinedDocuments,
	options: GroundingOptions,
): Promise<{ messages: ChatMessage[]; sources: DocumentSource[] }> {
	if (documents.list.length === 0 || !options.embeddingModel) return { messages, sources: [] };
	const left = [...documents.list];
	const split: MessageWithDocuments[] = messages.map((message) => {
		const held = left.filter((d) => message.content.includes(d.block));
		if (held.length === 0) return { message, documents: [] };
		let content = message.content;
		for (const d of held) {
			content = content.replace(d.block, "");
			left.splice(left.indexOf(d), 1);
		}
		return { message: { ...message, content: content.trim() }, documents: held.map((d) => d.attached) };
	});
	return await groundDocuments(scheduler, chatModel, split, options);
}
