import type { Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { pickSequence, type SequenceCache } from "./pickSequence.js";

const t = (...ids: number[]) => ids as Token[];
const sequence = (promptLength: number, ...ids: number[]): SequenceCache => ({ tokens: t(...ids), promptLength });
const empty = sequence(0);

describe("pickSequence", () => {
	it("picks the sequence that already holds the longest prefix of the prompt", () => {
		const conversationA = sequence(4, 1, 2, 3, 4, 5, 6);
		const conversationB = sequence(2, 1, 2, 9, 9);
		expect(pickSequence([conversationB, conversationA, empty], t(1, 2, 3, 4, 5, 6, 7, 8))).toEqual({ index: 1, reused: 6 });
	});

	it("continues a conversation on its sequence even when the old answer is longer than the history", () => {
		// Last prompt 1 2 3; the answer 10…19 comes back re-tokenized differently from its first token.
		const conversation = sequence(3, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
		expect(pickSequence([empty, conversation], t(1, 2, 3, 20, 21, 22, 5, 6))).toEqual({ index: 1, reused: 3 });
	});

	it("keeps another conversation's history rather than reuse only a shared template header", () => {
		expect(pickSequence([sequence(4, 1, 2, 3, 4, 5, 6), empty], t(1, 2, 7, 8))).toEqual({ index: 1, reused: 0 });
	});

	it("prefers an empty sequence to erasing another's cache when nothing is shared", () => {
		expect(pickSequence([sequence(3, 5, 6, 7), empty, sequence(1, 8)], t(1, 2, 3))).toEqual({ index: 1, reused: 0 });
	});

	it("among other conversations, erases the one that loses least", () => {
		expect(pickSequence([sequence(4, 1, 2, 9, 9, 9), sequence(2, 1, 2, 8)], t(1, 2, 3, 4))).toEqual({ index: 1, reused: 2 });
	});

	it("always leaves the prompt's last token to evaluate", () => {
		expect(pickSequence([sequence(3, 1, 2, 3)], t(1, 2, 3))).toEqual({ index: 0, reused: 2 });
		expect(pickSequence([sequence(1, 1)], t(1))).toEqual({ index: 0, reused: 0 });
	});
});
