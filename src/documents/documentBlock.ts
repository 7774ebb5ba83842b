import type { ExtractedDocument } from "./extractText.js";

/**
 * A document as the model reads it: its text whole, in a block delimited by tags naming it, before
 * the message that carries it. A closing tag inside the text is broken up, so a document cannot end
 * its own block and write outside it.
 */
export function documentBlock(document: ExtractedDocument): string {
	const name = document.name.replace(/["<>\n\r]/g, "_");
	const pages = document.pages === undefined ? "" : ` pages="${document.pages}"`;
	const text = document.text.replace(/<\/document>/gi, "</ document>");
	return `<document name="${name}"${pages}>\n${text}\n</document>`;
}
