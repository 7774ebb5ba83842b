import { describe, expect, it } from "vitest";
import { FOREVER_SECONDS, parseKeepAlive } from "./parseKeepAlive.js";

describe("parseKeepAlive", () => {
	it.each([
		[undefined, undefined],
		[0, 0],
		["0", 0],
		[300, 300],
		["5m", 300],
		["1h30m", 5400],
		["90s", 90],
		["1.5h", 5400],
		["500ms", 0.5],
		[-1, FOREVER_SECONDS],
		["-1", FOREVER_SECONDS],
		["-1m", FOREVER_SECONDS],
	] as const)("%s → %s seconds", (input, seconds) => {
		expect(parseKeepAlive(input)).toBe(seconds);
	});

	it("refuses what is not a duration", () => {
		expect(() => parseKeepAlive("soon")).toThrow(RangeError);
		expect(() => parseKeepAlive("5 minutes")).toThrow(RangeError);
	});
});
