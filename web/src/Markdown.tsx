import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/common";
import { marked } from "marked";
import { useEffect, useRef } from "react";

/**
 * Model output is untrusted: it is rendered as Markdown, then sanitised with DOMPurify, every time
 * the whole text changes, so a payload split across streamed chunks is as inert as a whole one.
 * Code blocks get highlighting and a copy button, added through the DOM, never as HTML.
 */
export function Markdown({ text }: { text: string }) {
	const ref = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const element = ref.current;
		if (!element) return;
		const html = marked.parse(text, { async: false, gfm: true, breaks: true }) as string;
		element.innerHTML = DOMPurify.sanitize(html, {
			FORBID_TAGS: ["style", "form", "input", "iframe", "svg", "math"],
			FORBID_ATTR: ["style"],
		});
		for (const link of element.querySelectorAll("a")) {
			link.setAttribute("rel", "noopener noreferrer");
			link.setAttribute("target", "_blank");
		}
		for (const block of element.querySelectorAll("pre > code")) {
			hljs.highlightElement(block as HTMLElement);
			const button = document.createElement("button");
			button.type = "button";
			button.className = "copy";
			button.textContent = "Copy";
			button.addEventListener("click", () => void navigator.clipboard?.writeText(block.textContent ?? ""));
			block.parentElement?.prepend(button);
		}
	}, [text]);
	return <div className="markdown" ref={ref} />;
}
