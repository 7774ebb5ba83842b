import { describe, expect, it } from "vitest";
import { modelCardSummary } from "./modelCardSummary.js";

const CARD = `---
license: mit
license_link: https://example.test/LICENSE
language:
- en
pipeline_tag: text-generation
---
# Tiny-Model-4K-Instruct GGUF

[![Downloads](https://img.example/badge.svg)](https://example.test) [![License](https://img.example/l.svg)](https://example.test/l)

<p align="center"><img src="https://example.test/logo.png" onerror="alert(1)"></p>

## Model Summary

This repo provides **GGUF** files for Tiny-Model-4K-Instruct, a small open model trained on
synthetic data and filtered web pages, made for \`llama.cpp\` and [compatible tools](https://example.test/tools).

It supports a context of 4K tokens. ![inline image](https://img.example/x.png)

## Usage

Run it with hearth chat.
`;

describe("modelCardSummary", () => {
	it("takes the license from the front matter and the opening prose as plain text", () => {
		expect(modelCardSummary(CARD)).toEqual({
			license: "mit",
			summary:
				"This repo provides GGUF files for Tiny-Model-4K-Instruct, a small open model trained on synthetic data and filtered web pages, made for llama.cpp and compatible tools.\n\nIt supports a context of 4K tokens.",
		});
	});

	it("leaves out badges, images, HTML, scripts, comments and headings", () => {
		const { summary } = modelCardSummary(CARD);
		expect(summary).not.toMatch(/img|badge|onerror|<|Model Summary|Usage/);
		expect(
			modelCardSummary(
				"A model <script>alert('x')</script> for <!-- hidden note --> chat, small and <style>p{}</style> quick to load.",
			).summary,
		).toBe("A model for chat, small and quick to load.");
	});

	it("stops at the heading after the opening prose", () => {
		expect(
			modelCardSummary("# A\n\nShort opening text about this model here.\n\n## B\n\nMore text in another section here.").summary,
		).toBe("Short opening text about this model here.");
	});

	it("cuts a long card at a word, with an ellipsis", () => {
		const long = `${"word ".repeat(400)}end`;
		const { summary } = modelCardSummary(long);
		expect(summary?.length).toBeLessThanOrEqual(601);
		expect(summary?.endsWith("word…")).toBe(true);
	});

	it("has nothing to say about a card without prose or front matter", () => {
		expect(modelCardSummary("# Title\n\n![logo](x.png)\n")).toEqual({ summary: undefined, license: undefined });
		expect(modelCardSummary("")).toEqual({ summary: undefined, license: undefined });
	});

	it("reads a quoted license", () => {
		expect(modelCardSummary('---\nlicense: "apache-2.0"\n---\nHi.').license).toBe("apache-2.0");
	});
});
