import type { ExtractedDocument } from "./extractText.js";

/** A passage of a document: its place in the text, and its page where the document has pages. */
export interface DocumentChunk {
	/** 0-based, in the order of the text. */
	index: number;
	/** Character offsets in the document's text: [start, end). */
	start: number;
	end: number;
	/** 1-based page the passage starts on. */
	page?: number;
	text: string;
}

/** About 250 tokens of English: small enough to be about one thing, large enough to hold a thought. */
export const CHUNK_CHARS = 1000;
/** A chunk cut inside a paragraph repeats the end of the one before, so a thought cut there is whole in one of them. */
const OVERLAP_CHARS = 150;

/**
 * Splits a document's text into passages of about `size` characters for retrieval. Borders fall
 * at a paragraph break where one is near, else at a sentence's end, else at a space: a passage
 * reads as text, not as a cut. Whitespace-only passages are dropped.
 */
export function chunkDocument(document: Pick<ExtractedDocument, "text" | "pageStarts">, size = CHUNK_CHARS): DocumentChunk[] {
	const { text } = document;
	const chunks: DocumentChunk[] = [];
	let start = 0;
	while (start < text.length) {
		let end = Math.min(text.length, start + size);
		let paragraph = true;
		if (end < text.length) ({ end, paragraph } = border(text, start + Math.floor(size / 2), end));
		const piece = text.slice(start, end);
		const lead = piece.length - piece.trimStart().length;
		if (piece.trim()) {
			const at = start + lead;
			chunks.push({
				index: chunks.length,
				start: at,
				end: at + piece.trim().length,
				page: pageAt(document.pageStarts, at),
				text: piece.trim(),
			});
		}
		if (end >= text.length) break;
		// Inside a paragraph: back by the overlap, to a word's start; always forward of the last start.
		const back = paragraph ? -1 : text.lastIndexOf(" ", end - OVERLAP_CHARS);
		start = back > start ? back + 1 : end;
	}
	return chunks;
}

/** The best place to end a passage between `from` and `to`: a blank line, a sentence's end, a space. */
function border(text: string, from: number, to: number): { end: number; paragraph: boolean } {
	const window = text.slice(from, to);
	const paragraph = window.lastIndexOf("\n\n");
	if (paragraph >= 0) return { end: from + paragraph + 2, paragraph: true };
	const sentence = Math.max(...[". ", "! ", "? ", ".\n"].map((mark) => window.lastIndexOf(mark)));
	if (sentence >= 0) return { end: from + sentence + 2, paragraph: false };
	const space = window.lastIndexOf(" ");
	return { end: space >= 0 ? from + space + 1 : to, paragraph: false };
}

function pageAt(pageStarts: number[] | undefined, offset: number): number | undefined {
	if (!pageStarts?.length) return undefined;
	let page = 0;
	while (page + 1 < pageStarts.length && (pageStarts[page + 1] as number) <= offset) page++;
	return page + 1;
}
