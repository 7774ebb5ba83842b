import type { DocumentChunk } from "./chunkDocument.js";
import type { ExtractedDocument } from "./extractText.js";

/**
 * The passages of a document chosen for a question, as the model reads them: in the document's
 * order, each numbered (and paged, where it has pages) so an answer can cite them, inside a block
 * that says they are excerpts. Closing tags inside the text are broken up, as in documentBlock.
 */
export function passagesBlock(
	document: Pick<ExtractedDocument, "name" | "pages">,
	passages: DocumentChunk[],
	total: number,
): string {
	const name = document.name.replace(/["<>\n\r]/g, "_");
	const pages = document.pages === undefined ? "" : ` pages="${document.pages}"`;
	const body = [...passages]
		.sort((a, b) => a.index - b.index)
		.map((p) => {
			const text = p.text.replace(/<\/(passage|document)>/gi, "</ $1>");
			return `<passage number="${p.index + 1}"${p.page === undefined ? "" : ` page="${p.page}"`}>\n${text}\n</passage>`;
		})
		.join("\n");
	return `<document name="${name}"${pages} excerpt="${passages.length} of ${total} passages, the most relevant to the question">\n${body}\n</document>`;
}
