import { extname } from "node:path";
import { DocumentError } from "./DocumentError.js";

/** How a document is read: as text as it is, HTML without its markup, or by a PDF or DOCX extractor. */
export type DocumentKind = "text" | "html" | "pdf" | "docx";

// Plain text under another name: prose, data and source code.
const TEXT_EXTENSIONS = new Set(
	`txt md markdown rst csv tsv json jsonl yaml yml toml ini cfg conf log xml svg tex
	js mjs cjs ts tsx jsx py rb go rs java kt c h cc cpp hpp cs swift php sh bash zsh ps1 sql r lua pl
	scala hs ex exs clj css scss less vue svelte dart m mm proto graphql dockerfile makefile gradle`
		.split(/\s+/)
		.filter(Boolean),
);

const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * What a file is, from its first bytes where they say (PDF's `%PDF-`, a zip for DOCX), else from its
 * media type or its name's extension. Anything else — images, spreadsheets, archives, executables —
 * is refused by name rather than read as garbage.
 */
export function documentKind(name: string, mime: string | undefined, bytes: Uint8Array): DocumentKind {
	const type = (mime ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
	const extension = extname(name).slice(1).toLowerCase();
	const starts = (magic: string) => magic.split("").every((c, i) => bytes[i] === c.charCodeAt(0));
	if (starts("%PDF-")) return "pdf";
	if (starts("PK\u0003\u0004") && (extension === "docx" || type === DOCX_MIME)) return "docx";
	if (type === "application/pdf" || extension === "pdf")
		throw new DocumentError("invalid_document", `${name} is not a PDF: it does not start with %PDF-`);
	if (type === DOCX_MIME || extension === "docx")
		throw new DocumentError("invalid_document", `${name} is not a DOCX file: it is not a zip archive`);
	if (type === "text/html" || extension === "html" || extension === "htm") return "html";
	if (type.startsWith("text/") || type === "application/json" || type === "application/xml" || TEXT_EXTENSIONS.has(extension))
		return "text";
	if (type === "" && extension === "") return "text"; // checked as UTF-8 when read
	throw new DocumentError(
		"unsupported_document",
		`${name} (${type || `.${extension}`}) is not a supported document: send text, Markdown, code, CSV, HTML, PDF or DOCX`,
	);
}
