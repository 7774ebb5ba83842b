import { lexer, type Token } from "marked";

export interface ModelCardSummary {
	/** The card's first paragraphs of prose, as plain text (at most about 600 characters). */
	summary?: string;
	/** The license named in the card's front matter. */
	license?: string;
}

const MAX_CHARS = 600;
const ENOUGH_CHARS = 200;

/**
 * What a person wants to read first from a repo's README (its model card): the license from the
 * YAML front matter and the opening prose, without headings, badges, images or HTML. Plain text
 * only: the card is untrusted and the UI shows it as text.
 */
export function modelCardSummary(markdown: string): ModelCardSummary {
	const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(markdown);
	const license = frontMatter ? /^license:\s*["']?([^"'\n]+?)["']?\s*$/m.exec(frontMatter[1])?.[1] : undefined;
	const body = (frontMatter ? markdown.slice(frontMatter[0].length) : markdown)
		// What script, style and comments hold is not text a reader sees.
		.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, "")
		.replace(/<!--[\s\S]*?-->/g, "");
	const paragraphs: string[] = [];
	let length = 0;
	for (const token of lexer(body)) {
		// The opening section only: the next heading ends it.
		if (token.type === "heading" && paragraphs.length > 0) break;
		if (token.type !== "paragraph") continue;
		const text = plainText(token.tokens ?? [])
			.replace(/\s+/g, " ")
			.trim();
		// Badge rows and captions are not prose.
		if (text.split(" ").length < 6) continue;
		paragraphs.push(text);
		length += text.length;
		if (length >= ENOUGH_CHARS) break;
	}
	const joined = paragraphs.join("\n\n");
	return { summary: joined ? truncate(joined) : undefined, license };
}

function plainText(tokens: Token[]): string {
	return tokens
		.map((token) => {
			switch (token.type) {
				case "image":
				case "html":
					return "";
				case "br":
					return " ";
				case "codespan":
				case "escape":
					return token.text;
				default:
					return "tokens" in token && token.tokens ? plainText(token.tokens) : "text" in token ? String(token.text) : "";
			}
		})
		.join("");
}

function truncate(text: string): string {
	if (text.length <= MAX_CHARS) return text;
	const cut = text.slice(0, MAX_CHARS);
	return `${cut.slice(0, cut.lastIndexOf(" "))}…`;
}
