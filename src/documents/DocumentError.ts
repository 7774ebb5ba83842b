/** Why an attachment cannot be read; every one is the sender's to fix (a 400 in the APIs). */
export type DocumentErrorCode =
	| "unsupported_document"
	| "document_too_large"
	| "invalid_document"
	| "encrypted_document"
	| "document_timeout"
	/** Longer than the context, and no embedding model to find its relevant passages. */
	| "document_too_long";

export class DocumentError extends Error {
	constructor(
		readonly code: DocumentErrorCode,
		message: string,
	) {
		super(message);
		this.name = "DocumentError";
	}
}
