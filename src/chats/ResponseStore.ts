import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ResponsesObject } from "../api/openai/ResponsesObject.js";
import type { ResponsesInputItem } from "../api/openai/ResponsesRequest.js";

/** A response kept for GET /v1/responses/{id} and for previous_response_id. */
export interface StoredResponse {
	/** The response object, as it was answered. */
	response: ResponsesObject;
	/**
	 * The input items it answered: those of the responses it continued, then its own; never its
	 * instructions, which a continuing response does not inherit. With its output, what a response
	 * that continues it comes after.
	 */
	conversation: ResponsesInputItem[];
}

export interface ResponseStoreOptions {
	/** Responses older than this are deleted as new ones are stored, as OpenAI keeps them 30 days. Default 30. */
	retentionDays?: number;
}

interface ResponseRow {
	response: string;
	conversation: string;
}

/** This store's schema changes, applied in order; `store_versions` records how far a database has come. */
const MIGRATIONS = [
	`CREATE TABLE responses (
		id TEXT PRIMARY KEY,
		created_at INTEGER NOT NULL,
		model TEXT NOT NULL,
		previous_response_id TEXT,
		response TEXT NOT NULL,
		conversation TEXT NOT NULL
	);
	CREATE INDEX responses_by_creation ON responses(created_at);`,
];

/**
 * Stored responses of the Responses API, in their own table of `$HEARTH_HOME/hearth.db` (WAL), beside
 * the chats. Each keeps its whole conversation, so deleting the response it continued leaves it
 * whole. The chats' schema counts in `user_version`; this one counts in a `store_versions` row of
 * its own, so the two migrate apart. Every change is one IMMEDIATE transaction, for the reason
 * ChatStore gives: another process writing the file makes it wait, never fail with SQLITE_BUSY.
 */
export class ResponseStore {
	private readonly db: Database.Database;
	private readonly retentionSeconds: number;

	constructor(path: string, options: ResponseStoreOptions = {}) {
		if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
		this.retentionSeconds = (options.retentionDays ?? 30) * 86_400;
		this.db = new Database(path);
		this.db.pragma("journal_mode = WAL");
		this.db.pragma("busy_timeout = 5000");
		// Read and raised inside the write lock, so two processes opening the file at once migrate it once.
		this.db
			.transaction(() => {
				this.db.exec("CREATE TABLE IF NOT EXISTS store_versions (store TEXT PRIMARY KEY, version INTEGER NOT NULL)");
				const row = this.db.prepare("SELECT version FROM store_versions WHERE store = 'responses'").get() as
					| { version: number }
					| undefined;
				const version = row?.version ?? 0;
				for (const sql of MIGRATIONS.slice(version)) this.db.exec(sql);
				this.db
					.prepare(
						"INSERT INTO store_versions VALUES ('responses', ?) ON CONFLICT (store) DO UPDATE SET version = excluded.version",
					)
					.run(Math.max(version, MIGRATIONS.length));
			})
			.immediate();
	}

	/** How far this store's schema has come: the number of migrations applied. */
	get schemaVersion(): number {
		return (this.db.prepare("SELECT version FROM store_versions WHERE store = 'responses'").get() as { version: number }).version;
	}

	/** Keeps a response (replacing one of the same id), and forgets those past the retention. */
	save(stored: StoredResponse): void {
		const { response } = stored;
		this.db
			.transaction(() => {
				this.db
					.prepare("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)")
					.run(
						response.id,
						response.created_at,
						response.model,
						response.previous_response_id,
						JSON.stringify(response),
						JSON.stringify(stored.conversation),
					);
				this.db.prepare("DELETE FROM responses WHERE created_at < ?").run(Math.floor(Date.now() / 1000) - this.retentionSeconds);
			})
			.immediate();
	}

	/** The stored response, or undefined when there is none of this id (never stored, deleted or expired). */
	get(id: string): StoredResponse | undefined {
		const row = this.db.prepare("SELECT response, conversation FROM responses WHERE id = ?").get(id) as ResponseRow | undefined;
		if (!row) return undefined;
		return {
			response: JSON.parse(row.response) as ResponsesObject,
			conversation: JSON.parse(row.conversation) as ResponsesInputItem[],
		};
	}

	/** Whether there was one to delete. */
	delete(id: string): boolean {
		return this.db.transaction(() => this.db.prepare("DELETE FROM responses WHERE id = ?").run(id).changes > 0).immediate();
	}

	close(): void {
		this.db.close();
	}
}
