import { describe, expect, it } from "vitest";
import { wilsonInterval } from "./wilsonInterval.js";

describe("wilsonInterval", () => {
	it.each([
		// Reference values of the 95 % Wilson score interval.
		[8, 10, 0.4902, 0.9433],
		[0, 10, 0, 0.2775],
		[10, 10, 0.7225, 1],
		[15, 30, 0.3315, 0.6685],
	])("%i of %i is within [%f, %f]", (correct, items, low, high) => {
		const [lo, hi] = wilsonInterval(correct, items);
		expect(lo).toBeCloseTo(low, 3);
		expect(hi).toBeCloseTo(high, 3);
	});

	it("says nothing is known of an empty set", () => {
		expect(wilsonInterval(0, 0)).toEqual([0, 1]);
	});
});
