import { createHash } from "node:crypto";
import { DocumentError } from "./DocumentError.js";
import { type ExtractedDocument, extractText } from "./extractText.js";

/** A document read from an attachment, with the SHA-256 of its bytes (what its embeddings are kept by). */
export interface AttachedDocument {
	document: ExtractedDocument;
	hash: string;
}

/** An attachment as a dialect carries it: a data URL, or base64 (or plain text) with a media type. */
export type AttachmentSource =
	| { name: string; dataUrl: string }
	| { name: string; base64: string; mime?: string }
	| { name: string; text: string }
	| { name: string; bytes: Uint8Array; mime?: string };

/**
 * An attachment's text and the hash of its bytes, from any dialect's form: decoded, checked against
 * HEARTH_MAX_ATTACHMENT_MB and extracted in a worker. Every refusal is a DocumentError, which the
 * server answers with 400 in the dialect's own shape.
 */
export async function readDocument(source: AttachmentSource, maxBytes: number): Promise<AttachedDocument> {
	let data: Uint8Array;
	let mime: string | undefined;
	if ("bytes" in source) {
		if (source.bytes.byteLength > maxBytes)
			throw new DocumentError("document_too_large", `${source.name} is larger than ${maxBytes} bytes (HEARTH_MAX_ATTACHMENT_MB)`);
		data = source.bytes;
		mime = source.mime;
	} else if ("text" in source) {
		data = new TextEncoder().encode(source.text);
		mime = "text/plain";
	} else if ("dataUrl" in source) {
		const match = /^data:([^;,]*)(?:;[^,]*)?;base64,/.exec(source.dataUrl);
		if (!match)
			throw new DocumentError(
				"invalid_document",
				`${source.name}: file_data must be a data URL, data:<media type>;base64,<data>`,
			);
		mime = match[1] || undefined;
		data = decodeBase64(source.name, source.dataUrl.slice(match[0].length), maxBytes);
	} else {
		mime = source.mime;
		data = decodeBase64(source.name, source.base64, maxBytes);
	}
	const document = await extractText({ name: source.name, mime, data }, { maxBytes });
	return { document, hash: createHash("sha256").update(data).digest("hex") };
}

function decodeBase64(name: string, base64: string, maxBytes: number): Uint8Array {
	const clean = base64.replace(/\s+/g, "");
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1)
		throw new DocumentError("invalid_document", `${name}: its data is not base64`);
	// Refused before decoding: base64 is 4 characters for 3 bytes.
	if ((clean.length * 3) / 4 > maxBytes + 2)
		throw new DocumentError("document_too_large", `${name} is larger than ${maxBytes} bytes (HEARTH_MAX_ATTACHMENT_MB)`);
	return Buffer.from(clean, "base64");
}
