import { documentBlock } from "./documentBlock.js";
import { type AttachmentSource, readDocument } from "./readDocument.js";

export type { AttachmentSource } from "./readDocument.js";

/** An attachment's text as the model reads it whole (documentBlock): see readDocument for what is refused. */
export async function readAttachment(source: AttachmentSource, maxBytes: number): Promise<string> {
	return documentBlock((await readDocument(source, maxBytes)).document);
}
