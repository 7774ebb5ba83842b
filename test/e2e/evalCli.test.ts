import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { EvalReport } from "../../src/api/native/NativeEval.js";
import { parseEvalSet } from "../../src/studio/parseEvalSet.js";
import { GENERAL_EVAL_SET } from "../../src/studio/readEvalSet.js";
import { testModel } from "../fixtures/testModel.js";
import { runCli } from "./runCli.js";

const item = (answer: number | string, subject?: string) =>
	JSON.stringify({ question: `Question answered ${answer}?`, choices: ["one", "two", "three", "four"], answer, subject });

// A generated model whose every chat answer starts with "C" (see answersWith): its score on any
// set is exactly the share of items whose answer is C, chosen with near certainty, whatever the
// random weights — so the eval's scoring, not the model, is what is checked.
describe("hearth eval", () => {
	it("scores a forced model exactly, per subject, skipping malformed lines by number, and keeps the run", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-eval-"));
		const model = await testModel({ answersWith: "▁C" });
		const set = join(home, "mine.jsonl");
		writeFileSync(
			set,
			[
				item(2, "alpha"),
				item("C", "alpha"),
				item("a", "alpha"),
				"{not json",
				item(1, "beta"),
				"",
				JSON.stringify({ question: "Missing choices?", answer: 0 }),
				item("c"),
				JSON.stringify({ question: "Out of range?", choices: ["x", "y"], answer: 2 }),
				item(3, "beta"),
			].join("\n"),
		);
		const result = await runCli(["eval", model, set, "--json"], { env: { HEARTH_HOME: home } });
		expect(result.code).toBe(0);
		expect(result.stderr.trim().split("\n")).toEqual([
			expect.stringMatching(/^hearth: mine\.jsonl line 4 skipped: not JSON/),
			"hearth: mine.jsonl line 7 skipped: choices: Invalid input: expected array, received undefined",
			"hearth: mine.jsonl line 9 skipped: answer: answer names no choice",
		]);
		const report = EvalReport.parse(JSON.parse(result.stdout));
		expect(report).toMatchObject({ model, set: "mine.jsonl", items: 6, correct: 3, accuracy: 0.5 });
		expect(report.perItem.map((r) => [r.line, r.chosen, r.answer, r.correct])).toEqual([
			[1, "C", "C", true],
			[2, "C", "C", true],
			[3, "C", "A", false],
			[5, "C", "B", false],
			[8, "C", "C", true],
			[10, "C", "D", false],
		]);
		for (const r of report.perItem) expect(r.probability).toBeGreaterThan(0.9);
		expect(report.bySubject.alpha).toMatchObject({ items: 3, correct: 2 });
		expect(report.bySubject.beta).toMatchObject({ items: 2, correct: 0 });
		expect(report.interval95[0]).toBeLessThan(0.5);
		expect(report.interval95[1]).toBeGreaterThan(0.5);
		expect(report.skipped.map((s) => s.line)).toEqual([4, 7, 9]);

		const db = new Database(join(home, "hearth.db"), { readonly: true });
		const rows = db.prepare("SELECT model, set_name, accuracy FROM eval_runs").all();
		db.close();
		expect(rows).toEqual([{ model, set_name: "mine.jsonl", accuracy: 0.5 }]);
	});

	it("runs the shipped set by default, --limit first items, and prints a summary with its subjects", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-eval-"));
		const model = await testModel({ answersWith: "▁C" });
		const first = parseEvalSet(readFileSync(GENERAL_EVAL_SET, "utf8")).items.slice(0, 8);
		const expected = first.filter((i) => i.answer === 2).length;
		const result = await runCli(["eval", model, "--limit", "8"], { env: { HEARTH_HOME: home } });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const [head, , header] = result.stdout.split("\n");
		expect(head).toMatch(
			new RegExp(
				`on general: ${expected}/8 correct, ${((expected / 8) * 100).toFixed(1)} % \\(95 % interval [\\d.]+ %–[\\d.]+ %\\), [\\d.]+ items/s$`,
			),
		);
		expect(header).toMatch(/^SUBJECT\s+CORRECT\s+ACCURACY\s+95 % INTERVAL$/);
	});

	it("refuses a missing set or one with no valid item in one line", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-eval-"));
		const model = await testModel({ answersWith: "▁C" });
		const missing = await runCli(["eval", model, join(home, "nope.jsonl")], { env: { HEARTH_HOME: home } });
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/^hearth: no eval set at .*nope\.jsonl\n$/);
		const empty = join(home, "empty.jsonl");
		writeFileSync(empty, '{"question": "only one choice?", "choices": ["x"], "answer": 0}\n');
		const invalid = await runCli(["eval", model, empty], { env: { HEARTH_HOME: home } });
		expect(invalid.code).toBe(1);
		expect(invalid.stderr).toBe(`hearth: ${empty} has no valid items (line 1: choices: give at least 2 choices)\n`);
	});
});
