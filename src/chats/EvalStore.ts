import type Database from "better-sqlite3";
import { EvalReport } from "../api/native/NativeEval.js";
import { openDatabase } from "./openDatabase.js";

/** An eval run as kept. */
export interface StoredEvalRun {
	id: number;
	/** ISO time the run finished. */
	createdAt: string;
	report: EvalReport;
}

interface EvalRow {
	id: number;
	created_at: string;
	report: string;
}

/**
 * Eval results in `hearth.db`'s `eval_runs` table, one row per run with its whole report, so models
 * can be compared on the same set. Created if missing, never altered, outside ChatStore's migrations.
 */
export class EvalStore {
	private readonly db: Database.Database;

	constructor(path: string) {
		this.db = openDatabase(path);
		this.db.exec(`CREATE TABLE IF NOT EXISTS eval_runs (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			created_at TEXT NOT NULL,
			model TEXT NOT NULL,
			set_name TEXT NOT NULL,
			accuracy REAL NOT NULL,
			report TEXT NOT NULL
		);
		CREATE INDEX IF NOT EXISTS eval_runs_by_set ON eval_runs(set_name, created_at DESC);`);
	}

	add(report: EvalReport, at = new Date()): number {
		const checked = EvalReport.parse(report);
		const result = this.db
			.prepare("INSERT INTO eval_runs (created_at, model, set_name, accuracy, report) VALUES (?, ?, ?, ?, ?)")
			.run(at.toISOString(), checked.model, checked.set, checked.accuracy, JSON.stringify(checked));
		return Number(result.lastInsertRowid);
	}

	/** Kept runs, newest first, of one set or all. */
	list(set?: string): StoredEvalRun[] {
		const rows = (
			set === undefined
				? this.db.prepare("SELECT id, created_at, report FROM eval_runs ORDER BY created_at DESC, id DESC").all()
				: this.db
						.prepare("SELECT id, created_at, report FROM eval_runs WHERE set_name = ? ORDER BY created_at DESC, id DESC")
						.all(set)
		) as EvalRow[];
		return rows.map((row) => ({
			id: row.id,
			createdAt: row.created_at,
			report: EvalReport.parse(JSON.parse(row.report)),
		}));
	}

	close(): void {
		this.db.close();
	}
}
