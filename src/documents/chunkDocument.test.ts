import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkDocument } from "./chunkDocument.js";

describe("chunkDocument", () => {
	it("cuts at paragraph breaks without overlap, and names each passage's page", () => {
		const paragraphs = Array.from({ length: 9 }, (_, i) => `Paragraph ${i} ${"word ".repeat(70).trim()}.`);
		const text = paragraphs.join("\n\n");
		const pageStarts = [0, text.indexOf("Paragraph 3"), text.indexOf("Paragraph 6")];
		const chunks = chunkDocument({ text, pageStarts });
		expect(chunks.length).toBeGreaterThan(2);
		for (const c of chunks) {
			expect(c.text).toBe(text.slice(c.start, c.end));
			expect(c.text.startsWith("Paragraph")).toBe(true);
			expect(c.text.endsWith(".")).toBe(true);
			expect(c.page).toBe(c.start < (pageStarts[1] as number) ? 1 : c.start < (pageStarts[2] as number) ? 2 : 3);
		}
		// Each paragraph in exactly one passage.
		for (const p of paragraphs) expect(chunks.filter((c) => c.text.includes(p))).toHaveLength(1);
	});

	it("overlaps passages cut inside a paragraph, so a sentence at the cut is whole in one", () => {
		const text = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} says a little more.`).join(" ");
		const chunks = chunkDocument({ text });
		for (const [i, c] of chunks.entries()) {
			expect(c.text.endsWith(".")).toBe(true);
			if (i > 0) expect(c.start).toBeLessThan(chunks[i - 1]?.end ?? 0);
		}
		for (let i = 0; i < 60; i++)
			expect(chunks.some((c) => c.text.includes(`Sentence number ${i} says a little more.`))).toBe(true);
	});

	it("covers any text with passages of at most the size, in order, each its own slice", () => {
		fc.assert(
			fc.property(fc.string({ unit: fc.constantFrom("a", "b", " ", ".", "\n"), maxLength: 5000 }), (text) => {
				const chunks = chunkDocument({ text }, 200);
				let covered = 0;
				for (const [i, c] of chunks.entries()) {
					expect(c.text).toBe(text.slice(c.start, c.end));
					expect(c.text.trim()).toBe(c.text);
					expect(c.text.length).toBeGreaterThan(0);
					expect(c.end - c.start).toBeLessThanOrEqual(200);
					if (i > 0) expect(c.start).toBeGreaterThan(chunks[i - 1]?.start ?? -1);
					// Nothing but white space is skipped between passages.
					expect(text.slice(covered, c.start).trim()).toBe("");
					covered = Math.max(covered, c.end);
				}
				expect(text.slice(covered).trim()).toBe("");
			}),
		);
	});
});
