import type Database from "better-sqlite3";
import { BenchReport, BenchRun } from "../api/native/NativeBench.js";
import { openDatabase } from "./openDatabase.js";

/** A benchmark setting's results as kept, with the report it came from. */
export interface StoredBenchRun {
	id: number;
	/** ISO time the benchmark finished. */
	createdAt: string;
	model: string;
	machine: BenchReport["machine"];
	engine: BenchReport["engine"];
	promptTokens: number;
	generatedTokens: number;
	run: BenchRun;
}

interface BenchRow {
	id: number;
	created_at: string;
	model: string;
	machine: string;
	engine: string;
	prompt_tokens: number;
	generated_tokens: number;
	run: string;
}

/**
 * Benchmark results in `hearth.db`'s `bench_runs` table, one row per setting, with the machine and
 * engine versions they were measured on, so runs can be compared over time and between models. The
 * table is created if missing and never altered; it does not take part in ChatStore's migrations.
 */
export class BenchStore {
	private readonly db: Database.Database;

	constructor(path: string) {
		this.db = openDatabase(path);
		this.db.exec(`CREATE TABLE IF NOT EXISTS bench_runs (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			created_at TEXT NOT NULL,
			model TEXT NOT NULL,
			machine TEXT NOT NULL,
			engine TEXT NOT NULL,
			prompt_tokens INTEGER NOT NULL,
			generated_tokens INTEGER NOT NULL,
			run TEXT NOT NULL
		);
		CREATE INDEX IF NOT EXISTS bench_runs_by_model ON bench_runs(model, created_at DESC);`);
	}

	/** Keeps every run of a report, all or none. */
	add(report: BenchReport, at = new Date()): void {
		const insert = this.db.prepare(
			"INSERT INTO bench_runs (created_at, model, machine, engine, prompt_tokens, generated_tokens, run) VALUES (?, ?, ?, ?, ?, ?, ?)",
		);
		const checked = BenchReport.parse(report);
		this.db.transaction(() => {
			for (const run of checked.runs)
				insert.run(
					at.toISOString(),
					checked.model,
					JSON.stringify(checked.machine),
					JSON.stringify(checked.engine),
					checked.promptTokens,
					checked.generatedTokens,
					JSON.stringify(run),
				);
		})();
	}

	/** Kept runs, newest first, of one model or all. */
	list(model?: string): StoredBenchRun[] {
		const rows = (
			model === undefined
				? this.db.prepare("SELECT * FROM bench_runs ORDER BY created_at DESC, id DESC").all()
				: this.db.prepare("SELECT * FROM bench_runs WHERE model = ? ORDER BY created_at DESC, id DESC").all(model)
		) as BenchRow[];
		return rows.map((row) => ({
			id: row.id,
			createdAt: row.created_at,
			model: row.model,
			machine: JSON.parse(row.machine) as BenchReport["machine"],
			engine: JSON.parse(row.engine) as BenchReport["engine"],
			promptTokens: row.prompt_tokens,
			generatedTokens: row.generated_tokens,
			run: BenchRun.parse(JSON.parse(row.run)),
		}));
	}

	close(): void {
		this.db.close();
	}
}
