import { describe, expect, it } from "vitest";
import { parseEvalSet } from "./parseEvalSet.js";

describe("parseEvalSet", () => {
	it("reads indexes and letters (either case), keeps line numbers, and skips blanks and comments", () => {
		const { items, skipped } = parseEvalSet(
			[
				"# a comment",
				'{"question": "Q1", "choices": ["a", "b"], "answer": 1}',
				"",
				'{"question": "Q2", "choices": ["a", "b", "c"], "answer": "c", "subject": "s"}\r',
			].join("\n"),
		);
		expect(skipped).toEqual([]);
		expect(items).toEqual([
			{ line: 2, question: "Q1", choices: ["a", "b"], answer: 1 },
			{ line: 4, question: "Q2", choices: ["a", "b", "c"], answer: 2, subject: "s" },
		]);
	});

	it.each([
		["[1, 2]", "Invalid input: expected object, received array"],
		['{"question": "", "choices": ["a", "b"], "answer": 0}', "question: question is empty"],
		['{"question": "Q", "choices": ["a"], "answer": 0}', "choices: give at least 2 choices"],
		['{"question": "Q", "choices": ["a", "b"], "answer": "E"}', "answer: answer names no choice"],
		['{"question": "Q", "choices": ["a", "b"], "answer": "AB"}', "answer: answer must be a choice's 0-based index or its letter"],
		['{"question": "Q", "choices": ["a", "b"], "answer": -1}', "answer: Too small: expected number to be >=0"],
		['{"question": "Q", "choices": ["a", ""], "answer": 0}', "choices.1: a choice is empty"],
	])("skips %s: %s", (line, error) => {
		expect(parseEvalSet(line)).toEqual({ items: [], skipped: [{ line: 1, error }] });
	});

	it("reports a line that is not JSON", () => {
		const { skipped } = parseEvalSet('{"question": "Q1"');
		expect(skipped).toHaveLength(1);
		expect(skipped[0]?.error).toMatch(/^not JSON: /);
	});
});
