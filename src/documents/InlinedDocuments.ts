import { documentBlock } from "./documentBlock.js";
import { type AttachedDocument, type AttachmentSource, readDocument } from "./readDocument.js";

/** A document read whole into a dialect's message: the block it became, and what was read. */
export interface InlinedDocument {
	block: string;
	attached: AttachedDocument;
}

/**
 * The documents of one request in the OpenAI, Responses and Anthropic dialects, read whole into
 * their messages (documentBlock) as each dialect's translator expects text, and remembered, so
 * that a prompt too long for the context can have them replaced by their passages afterwards
 * (groundInlined). Reading refuses what readDocument refuses.
 */
export class InlinedDocuments {
	readonly list: InlinedDocument[] = [];

	constructor(readonly maxBytes: number) {}

	async read(source: AttachmentSource): Promise<string> {
		const attached = await readDocument(source, this.maxBytes);
		const block = documentBlock(attached.document);
		this.list.push({ block, attached });
		return block;
	}
}
