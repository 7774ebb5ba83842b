import { describe, expect, it } from "vitest";
import { jsonDepthExceeds } from "./jsonDepth.js";

describe("jsonDepthExceeds", () => {
	it.each([
		["flat", '{"a": 1}', 1, false],
		["at the limit", "[[[]]]", 3, false],
		["past it", "[[[[]]]]", 3, true],
		["brackets inside strings do not count", '{"a": "[[[[[[[["}', 1, false],
		["escaped quotes do not end a string", '{"a": "\\"[[[[", "b": 1}', 1, false],
		["siblings are not depth", "[[], [], [], []]", 2, false],
	])("%s", (_, text, limit, exceeds) => {
		expect(jsonDepthExceeds(text, limit)).toBe(exceeds);
	});

	it("stops early on a body nested 100,000 deep", () => {
		expect(jsonDepthExceeds("[".repeat(100_000) + "]".repeat(100_000))).toBe(true);
	});
});
