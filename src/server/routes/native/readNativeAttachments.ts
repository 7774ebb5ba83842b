import type { NativeChatRequest } from "../../../api/native/NativeChat.js";
import type { AttachmentStore } from "../../../chats/AttachmentStore.js";
import { readDocument } from "../../../documents/readDocument.js";
import type { MessageWithDocuments } from "../../../studio/groundDocuments.js";
import { HttpError } from "../../HttpError.js";

/**
 * Native chat messages with their attachments read (readDocument), for groundDocuments to place:
 * each sent in base64, or named by the hash of a file kept by POST /hearth/attachments.
 */
export async function readNativeAttachments(
	messages: NativeChatRequest["messages"],
	maxBytes: number,
	kept: AttachmentStore,
): Promise<MessageWithDocuments[]> {
	return await Promise.all(
		messages.map(async ({ attachments, ...message }, m) => {
			const documents = [];
			for (const [i, a] of (attachments ?? []).entries()) {
				if (a.hash === undefined) {
					documents.push(await readDocument({ name: a.name, base64: a.data ?? "", mime: a.mime }, maxBytes));
					continue;
				}
				const bytes = kept.get(a.hash);
				if (!bytes)
					throw new HttpError(
						404,
						`${a.name}: no attachment is kept with hash ${a.hash}; send it again`,
						"attachment_not_found",
						`messages.${m}.attachments.${i}.hash`,
					);
				documents.push(await readDocument({ name: a.name, bytes, mime: a.mime }, maxBytes));
			}
			return { message, documents };
		}),
	);
}
