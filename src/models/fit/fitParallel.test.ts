import { describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import { readModelInfo } from "../readModelInfo.js";
import { fitParallel } from "./fitParallel.js";

describe("fitParallel", () => {
	const GiB = 2 ** 30;
	// Phi-3-mini at 4096 tokens: 2.2 GiB of weights and runner, 1.5 GiB of KV cache per sequence.
	const need = async (sequences: number) => 2.2 * GiB + 1.5 * GiB * sequences;

	it("keeps the most sequences that fit", async () => {
		expect(await fitParallel(4, 24 * GiB, need)).toBe(4);
		expect(await fitParallel(4, 7 * GiB, need)).toBe(3);
		expect(await fitParallel(4, 5.5 * GiB, need)).toBe(2);
	});

	it("never goes below one, and never above the maximum", async () => {
		expect(await fitParallel(4, 1 * GiB, need)).toBe(1);
		expect(await fitParallel(2, 100 * GiB, need)).toBe(2);
		expect(await fitParallel(1, 100 * GiB, need)).toBe(1);
	});

	it("works on real estimates, which grow with each sequence's context", async () => {
		const path = await testModel({ type: "Q8_0" });
		const needFor = async (sequences: number) =>
			(await readModelInfo(path, { contextLength: 4096, sequences })).memory.cpuOnlyRamBytes;
		const [one, four] = [await needFor(1), await needFor(4)];
		expect(four).toBeGreaterThan(one);
		expect(await fitParallel(4, four, needFor)).toBe(4);
		expect(await fitParallel(4, four - 1, needFor)).toBe(3);
	});
});
