import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BenchReport } from "../../src/api/native/NativeBench.js";
import { testModel } from "../fixtures/testModel.js";
import { runCli } from "./runCli.js";

// `hearth bench` on a tiny generated model: the grid's settings each measured, reported in the
// --json contract and kept in hearth.db. The tiny model's speeds mean nothing; that they are
// measured, ordered and kept does.
describe("hearth bench", () => {
	it("measures every setting of the grid, prints the JSON report and keeps each run in bench_runs", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-bench-"));
		const model = await testModel({ type: "Q8_0" });
		const args = ["bench", model, "--threads", "1", "--ctx", "256,512", "--prompt", "24", "--gen", "6", "--reps", "2"];
		const json = await runCli([...args, "--json"], { env: { HEARTH_HOME: home } });
		expect(json.stderr).toBe("");
		expect(json.code).toBe(0);
		const report = BenchReport.parse(JSON.parse(json.stdout));
		expect(report.runs.map((r) => [r.threads, r.ctx, r.parallel, r.reps])).toEqual([
			[1, 256, 1, 2],
			[1, 512, 1, 2],
		]);
		for (const run of report.runs) {
			expect(run.ppTokensPerSecond).toBeGreaterThan(0);
			expect(run.tgTokensPerSecond).toBeGreaterThan(0);
			expect(run.loadMs).toBeGreaterThan(0);
			expect(run.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
			expect(run.peakVramBytes).toBeUndefined(); // no GPU here
			for (const s of Object.values(run.spread)) {
				expect(s.min).toBeLessThanOrEqual(s.median);
				expect(s.median).toBeLessThanOrEqual(s.max);
			}
		}
		expect(report.promptTokens).toBe(24);
		expect(report.machine.cores).toBeGreaterThan(0);
		expect(report.engine.versions.nodeLlamaCpp).toBe("3.21.1");

		// Heads of 32 values, which a q8_0 cache needs.
		const wide = await testModel({ type: "Q8_0", dimensions: { heads: 2, kvHeads: 2 } });
		const table = await runCli(
			["bench", wide, "--threads", "1", "--prompt", "24", "--gen", "6", "--reps", "1", "--parallel", "2", "--kv-cache", "q8_0"],
			{
				env: { HEARTH_HOME: home },
			},
		);
		expect(table.code).toBe(0);
		const lines = table.stdout.trim().split("\n");
		expect(lines.at(-2)).toMatch(
			/^THREADS\s+CTX\s+BATCH\s+FLASH\s+KV\s+PARALLEL\s+LOAD\s+PP TOK\/S\s+TG TOK\/S\s+TTFT\s+PEAK RSS$/,
		);
		expect(lines.at(-1)).toMatch(/^1\s+4096\s+\d+\s+(on|off)\s+q8_0\s+2\s+[\d.]+ s\s+[\d.]+\s+[\d.]+\s+\d+ ms\s+[\d.]+ MiB$/);

		const db = new Database(join(home, "hearth.db"), { readonly: true });
		const rows = db.prepare("SELECT model, run FROM bench_runs ORDER BY id").all() as { model: string; run: string }[];
		db.close();
		expect(rows.map((r) => [r.model, JSON.parse(r.run).ctx, JSON.parse(r.run).parallel, JSON.parse(r.run).kvCacheType])).toEqual([
			[model, 256, 1, "f16"],
			[model, 512, 1, "f16"],
			[wide, 4096, 2, "q8_0"],
		]);
	});

	it("says in one line when a model's head size cannot hold a quantized KV cache", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-bench-"));
		const result = await runCli(["bench", await testModel({ type: "Q8_0" }), "--kv-cache", "q4_0", "--reps", "1"], {
			env: { HEARTH_HOME: home },
		});
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			"hearth: a q4_0 KV cache needs an attention head size that 32 divides; this model's is 16 (use f16)\n",
		);
	});

	it("refuses a bad list with one line and keeps nothing", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-bench-"));
		const result = await runCli(["bench", await testModel({ type: "Q8_0" }), "--ctx", "512,,1024"], {
			env: { HEARTH_HOME: home },
		});
		expect(result.code).not.toBe(0);
		expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^hearth: .*--ctx.*Expected integers >= 16/)]);
	});
});
