import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/**
 * Opens (creating it and its folder if missing) an SQLite file the way every store of hearth.db
 * shares it: WAL, so the server and a CLI command read and write at once, and a busy timeout, so
 * one waits for the other's write instead of failing.
 */
export function openDatabase(path: string): Database.Database {
	mkdirSync(dirname(path), { recursive: true });
	const db = new Database(path);
	db.pragma("journal_mode = WAL");
	db.pragma("busy_timeout = 5000");
	return db;
}
