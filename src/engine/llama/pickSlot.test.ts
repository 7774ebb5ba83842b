import type { Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { pickSlot } from "./pickSlot.js";

const t = (...ids: number[]) => ids as Token[];

describe("pickSlot", () => {
	it("picks the sequence that already holds the longest prefix of the prompt", () => {
		const conversationA = t(1, 2, 3, 4, 5, 6);
		const conversationB = t(1, 2, 9, 9);
		expect(pickSlot([conversationB, conversationA, t()], t(1, 2, 3, 4, 5, 6, 7, 8))).toEqual({ index: 1, reused: 6 });
	});

	it("prefers an empty sequence to erasing another's cache when nothing is shared", () => {
		expect(pickSlot([t(5, 6, 7), t(), t(8)], t(1, 2, 3))).toEqual({ index: 1, reused: 0 });
	});

	it("keeps another conversation's history rather than reuse only a shared template header", () => {
		expect(pickSlot([t(1, 2, 3, 4, 5, 6), t()], t(1, 2, 7, 8))).toEqual({ index: 1, reused: 0 });
	});

	it("among equal prefixes, takes the one with the fewest stale tokens", () => {
		expect(pickSlot([t(1, 2, 9, 9, 9), t(1, 2, 8)], t(1, 2, 3, 4))).toEqual({ index: 1, reused: 2 });
	});

	it("always leaves the prompt's last token to evaluate", () => {
		expect(pickSlot([t(1, 2, 3)], t(1, 2, 3))).toEqual({ index: 0, reused: 2 });
		expect(pickSlot([t(1)], t(1))).toEqual({ index: 0, reused: 0 });
	});
});
