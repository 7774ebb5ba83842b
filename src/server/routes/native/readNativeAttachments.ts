import type { NativeChatRequest } from "../../../api/native/NativeChat.js";
import { readAttachment } from "../../../documents/readAttachment.js";
import type { ChatMessage } from "../../../engine/Engine.js";

/** Native chat messages with their attachments read whole (documentBlock) before each message's text. */
export async function inlineNativeAttachments(messages: NativeChatRequest["messages"], maxBytes: number): Promise<ChatMessage[]> {
	return await Promise.all(
		messages.map(async ({ attachments, ...message }) => {
			if (!attachments?.length) return message;
			const blocks: string[] = [];
			for (const a of attachments) blocks.push(await readAttachment({ name: a.name, base64: a.data, mime: a.mime }, maxBytes));
			return { ...message, content: [...blocks, message.content].filter(Boolean).join("\n\n") };
		}),
	);
}
