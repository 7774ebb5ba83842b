import { DocumentError } from "./DocumentError.js";
import type { DocumentKind } from "./documentKind.js";

/** The text of a document, and how many pages it had where it has pages. */
export interface ExtractedText {
	text: string;
	pages?: number;
	/** Where each page begins in `text` (character offsets, ascending), for sources that name a page. */
	pageStarts?: number[];
}

/** A DOCX is a zip; past this many bytes of unpacked content it is a zip bomb, not a document. */
export const MAX_UNPACKED_DOCX_BYTES = 256 * 2 ** 20;

/**
 * The text of a document of a known kind. Runs in a worker thread (DocumentExtractor), which
 * bounds its time and memory: the parsers read untrusted bytes. Libraries are loaded only for the
 * kind that needs them.
 */
export async function extractDocument(name: string, kind: DocumentKind, bytes: Uint8Array): Promise<ExtractedText> {
	switch (kind) {
		case "text":
			return { text: utf8(name, bytes) };
		case "html": {
			const { convert } = await import("html-to-text");
			return { text: convert(utf8(name, bytes), { wordwrap: false, selectors: [{ selector: "img", format: "skip" }] }) };
		}
		case "pdf":
			return await pdfText(name, bytes);
		case "docx":
			return await docxText(name, bytes);
	}
}

function utf8(name: string, bytes: Uint8Array): string {
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		throw new DocumentError("unsupported_document", `${name} is not UTF-8 text`);
	}
	if (text.includes("\u0000")) throw new DocumentError("unsupported_document", `${name} is binary, not text`);
	return text.replace(/^\uFEFF/, "");
}

async function pdfText(name: string, bytes: Uint8Array): Promise<ExtractedText> {
	const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
	let document: Awaited<ReturnType<typeof getDocument>["promise"]>;
	try {
		// No eval, no fonts, no network: only the text is wanted.
		document = await getDocument({
			data: bytes,
			isEvalSupported: false,
			disableFontFace: true,
			useSystemFonts: false,
			stopAtErrors: true,
			verbosity: 0,
		}).promise;
	} catch (error) {
		const kind = (error as { name?: string }).name;
		if (kind === "PasswordException")
			throw new DocumentError("encrypted_document", `${name} is encrypted: remove its password and send it again`);
		throw new DocumentError("invalid_document", `${name} is not a readable PDF: ${(error as Error).message}`);
	}
	try {
		const pages: string[] = [];
		for (let number = 1; number <= document.numPages; number++) {
			const page = await document.getPage(number);
			const content = await page.getTextContent();
			pages.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join(""));
		}
		// Trimmed per page and joined by a blank line, so each page's offset is known exactly.
		const texts = pages.map((p) => p.trim());
		const pageStarts: number[] = [];
		let at = 0;
		for (const t of texts) {
			pageStarts.push(at);
			at += t.length + 2;
		}
		return { text: texts.join("\n\n"), pages: document.numPages, pageStarts };
	} finally {
		await document.destroy();
	}
}

async function docxText(name: string, bytes: Uint8Array): Promise<ExtractedText> {
	const { unzipSync } = await import("fflate");
	let unpacked = 0;
	try {
		// Sizes as the archive declares them, checked before anything is inflated; the worker's
		// memory limit catches an archive that lies about them.
		unzipSync(bytes, {
			filter: (file) => {
				unpacked += file.originalSize;
				if (unpacked > MAX_UNPACKED_DOCX_BYTES) throw new DocumentError("document_too_large", "");
				return false;
			},
		});
	} catch (error) {
		if (error instanceof DocumentError)
			throw new DocumentError(
				"document_too_large",
				`${name} unpacks to more than ${MAX_UNPACKED_DOCX_BYTES / 2 ** 20} MiB: it is not read (a zip bomb?)`,
			);
		throw new DocumentError("invalid_document", `${name} is not a readable DOCX file: ${(error as Error).message}`);
	}
	const mammoth = await import("mammoth");
	try {
		const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes) });
		return { text: result.value.trim() };
	} catch (error) {
		throw new DocumentError("invalid_document", `${name} is not a readable DOCX file: ${(error as Error).message}`);
	}
}
