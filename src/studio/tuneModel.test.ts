import { describe, expect, it } from "vitest";
import { threadCandidates } from "./tuneModel.js";

describe("threadCandidates", () => {
	it.each([
		[1, [1]],
		[2, [1, 2]],
		[4, [1, 2, 3, 4]],
		[6, [1, 3, 6]],
		[16, [2, 4, 8, 16]],
		[64, [8, 16, 32, 64]],
	])("on %i cores tries %j", (cores, expected) => {
		expect(threadCandidates(cores)).toEqual(expected);
	});
});
