import { describe, expect, it } from "vitest";
import { StopStringMatcher } from "./StopStringMatcher.js";

function run(stops: string[], fragments: string[]): { shown: string[]; done: boolean } {
	const matcher = new StopStringMatcher(stops);
	const shown = fragments.map((f) => matcher.push(f));
	shown.push(matcher.flush());
	return { shown, done: matcher.done };
}

describe("StopStringMatcher", () => {
	it.each([
		{ name: "no stop", stops: ["END"], fragments: ["a", "b"], shown: ["a", "b", ""], done: false },
		{ name: "stop inside a fragment", stops: ["under"], fragments: ["well", " under you"], shown: ["well", " ", ""], done: true },
		{
			name: "stop split across fragments",
			stops: ["<END>"],
			fragments: ["hi <E", "N", "D> more"],
			shown: ["hi ", "", "", ""],
			done: true,
		},
		{ name: "false start released", stops: ["<END>"], fragments: ["a <E", "X"], shown: ["a ", "<EX", ""], done: false },
		{ name: "held text released at the end", stops: ["stop"], fragments: ["a st"], shown: ["a ", "st"], done: false },
		{ name: "earliest of several stops", stops: ["b", "a"], fragments: ["xxab"], shown: ["xx", ""], done: true },
		{ name: "nothing after the stop", stops: ["."], fragments: ["one.", "two"], shown: ["one", "", ""], done: true },
		{ name: "stop at the very start", stops: ["Q:"], fragments: ["Q: x"], shown: ["", ""], done: true },
	])("$name", ({ stops, fragments, shown, done }) => {
		expect(run(stops, fragments)).toEqual({ shown, done });
	});
});
