import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Conversation, ConversationExport, StoredMessage } from "../api/native/NativeChats.js";

export class ConversationNotFoundError extends Error {
	readonly code = "conversation_not_found";
	constructor(id: string) {
		super(`No conversation ${id}`);
		this.name = "ConversationNotFoundError";
	}
}

interface ConversationRow {
	id: string;
	title: string;
	model: string | null;
	system_prompt: string | null;
	settings: string | null;
	branched_from: string | null;
	created_at: string;
	updated_at: string;
}

interface MessageRow {
	id: string;
	role: StoredMessage["role"];
	content: string;
	created_at: string;
	stats: string | null;
	reasoning: string | null;
	attachments: string | null;
	sources: string | null;
	tools: string | null;
}

/**
 * Schema changes, applied in order; `user_version` records how far a database has come. A change is
 * a new entry at the end, never an edit of one that databases already have.
 */
const MIGRATIONS = [
	`CREATE TABLE conversations (
		id TEXT PRIMARY KEY,
		title TEXT NOT NULL,
		model TEXT,
		system_prompt TEXT,
		settings TEXT,
		branched_from TEXT,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	);
	CREATE TABLE messages (
		id TEXT PRIMARY KEY,
		conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
		position INTEGER NOT NULL,
		role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
		content TEXT NOT NULL,
		stats TEXT,
		created_at TEXT NOT NULL,
		UNIQUE (conversation_id, position)
	);
	CREATE INDEX conversations_by_update ON conversations(updated_at DESC);`,
	// A thinking model's reasoning beside its answer; NULL for messages that have none, and for
	// every message written before it was kept.
	"ALTER TABLE messages ADD COLUMN reasoning TEXT;",
	// A user message's attached files (JSON AttachmentRefs; the bytes are under attachments/), and
	// an answer's sources (JSON DocumentSources).
	"ALTER TABLE messages ADD COLUMN attachments TEXT; ALTER TABLE messages ADD COLUMN sources TEXT;",
	// An answer's MCP tool calls and their results (JSON StoredToolSteps).
	"ALTER TABLE messages ADD COLUMN tools TEXT;",
];

/**
 * Conversations and their messages in SQLite (`$HEARTH_HOME/hearth.db`, WAL), so chats survive
 * restarts and a crash mid-write loses nothing already committed. Every change is one IMMEDIATE
 * transaction: it takes the write lock before it reads, so another process writing the same file
 * (the CLI, a second server) makes it wait up to busy_timeout. A deferred one that read first
 * could not upgrade its lock after the other's commit and would fail at once with SQLITE_BUSY.
 */
export class ChatStore {
	private readonly db: Database.Database;

	constructor(path: string) {
		if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
		this.db = new Database(path);
		this.db.pragma("journal_mode = WAL");
		this.db.pragma("foreign_keys = ON");
		this.db.pragma("busy_timeout = 5000");
		// Read and raised inside the write lock, so two processes opening an older file at once migrate it once.
		this.db
			.transaction(() => {
				const version = this.db.pragma("user_version", { simple: true }) as number;
				for (const sql of MIGRATIONS.slice(version)) this.db.exec(sql);
				if (version < MIGRATIONS.length) this.db.pragma(`user_version = ${MIGRATIONS.length}`);
			})
			.immediate();
	}

	/** How far the schema has come: the number of migrations applied. */
	get schemaVersion(): number {
		return this.db.pragma("user_version", { simple: true }) as number;
	}

	get journalMode(): string {
		return this.db.pragma("journal_mode", { simple: true }) as string;
	}

	/** Newest first; `search` matches titles and message text, case-insensitively. */
	list(search?: string): Conversation[] {
		const rows = search
			? (this.db
					.prepare(
						`SELECT DISTINCT c.* FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
						 WHERE c.title LIKE @q ESCAPE '\\' OR m.content LIKE @q ESCAPE '\\' ORDER BY c.updated_at DESC`,
					)
					.all({ q: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` }) as ConversationRow[])
			: (this.db.prepare("SELECT * FROM conversations ORDER BY updated_at DESC").all() as ConversationRow[]);
		return rows.map(toConversation);
	}

	create(
		fields: Partial<Pick<Conversation, "title" | "model" | "systemPrompt" | "settings" | "branchedFrom">> = {},
	): Conversation {
		const now = new Date().toISOString();
		const row: ConversationRow = {
			id: randomUUID(),
			title: fields.title ?? "New chat",
			model: fields.model ?? null,
			system_prompt: fields.systemPrompt ?? null,
			settings: fields.settings ? JSON.stringify(fields.settings) : null,
			branched_from: fields.branchedFrom ?? null,
			created_at: now,
			updated_at: now,
		};
		this.db
			.prepare(
				"INSERT INTO conversations VALUES (@id, @title, @model, @system_prompt, @settings, @branched_from, @created_at, @updated_at)",
			)
			.run(row);
		return toConversation(row);
	}

	get(id: string): { conversation: Conversation; messages: StoredMessage[] } {
		const row = this.db.prepare("SELECT * FROM conversations WHERE id = ?").get(id) as ConversationRow | undefined;
		if (!row) throw new ConversationNotFoundError(id);
		const messages = this.db
			.prepare(
				"SELECT id, role, content, created_at, stats, reasoning, attachments, sources, tools FROM messages WHERE conversation_id = ? ORDER BY position",
			)
			.all(id) as MessageRow[];
		return { conversation: toConversation(row), messages: messages.map(toMessage) };
	}

	update(id: string, fields: Partial<Pick<Conversation, "title" | "model" | "systemPrompt" | "settings">>): Conversation {
		const current = this.get(id).conversation;
		const next = { ...current, ...fields };
		this.db
			.prepare("UPDATE conversations SET title = ?, model = ?, system_prompt = ?, settings = ?, updated_at = ? WHERE id = ?")
			.run(
				next.title,
				next.model ?? null,
				next.systemPrompt ?? null,
				next.settings ? JSON.stringify(next.settings) : null,
				new Date().toISOString(),
				id,
			);
		return this.get(id).conversation;
	}

	delete(id: string): void {
		if (this.db.prepare("DELETE FROM conversations WHERE id = ?").run(id).changes === 0) throw new ConversationNotFoundError(id);
	}

	append(
		conversationId: string,
		message: Pick<StoredMessage, "role" | "content" | "reasoning" | "stats" | "attachments" | "sources" | "tools"> & {
			createdAt?: string;
		},
	): StoredMessage {
		return this.db
			.transaction(() => {
				this.get(conversationId);
				const position = (
					this.db
						.prepare("SELECT COALESCE(MAX(position), -1) + 1 AS next FROM messages WHERE conversation_id = ?")
						.get(conversationId) as { next: number }
				).next;
				const row: MessageRow = {
					id: randomUUID(),
					role: message.role,
					content: message.content,
					created_at: message.createdAt ?? new Date().toISOString(),
					stats: message.stats ? JSON.stringify(message.stats) : null,
					reasoning: message.reasoning || null,
					attachments: message.attachments?.length ? JSON.stringify(message.attachments) : null,
					sources: message.sources?.length ? JSON.stringify(message.sources) : null,
					tools: message.tools?.length ? JSON.stringify(message.tools) : null,
				};
				// Columns named: a migrated table has them in the order they were added.
				this.db
					.prepare(
						`INSERT INTO messages (id, conversation_id, position, role, content, stats, reasoning, attachments, sources, tools, created_at)
						 VALUES (@id, @conversation_id, @position, @role, @content, @stats, @reasoning, @attachments, @sources, @tools, @created_at)`,
					)
					.run({ ...row, conversation_id: conversationId, position });
				this.touch(conversationId);
				return toMessage(row);
			})
			.immediate();
	}

	/**
	 * Edits a message and forgets everything after it: what "edit and resend" and "regenerate" need.
	 * An edited message loses its stats, reasoning and sources, which belonged to the text it had;
	 * its attachments stay.
	 */
	rewrite(conversationId: string, messageId: string, content?: string): StoredMessage[] {
		return this.db
			.transaction(() => {
				const position = this.positionOf(conversationId, messageId);
				if (content !== undefined)
					this.db
						.prepare("UPDATE messages SET content = ?, stats = NULL, reasoning = NULL, sources = NULL, tools = NULL WHERE id = ?")
						.run(content, messageId);
				this.db.prepare("DELETE FROM messages WHERE conversation_id = ? AND position > ?").run(conversationId, position);
				this.touch(conversationId);
				return this.get(conversationId).messages;
			})
			.immediate();
	}

	/** A new conversation holding a copy of the messages up to and including `messageId`. */
	branch(conversationId: string, messageId: string): Conversation {
		return this.db
			.transaction(() => {
				const { conversation, messages } = this.get(conversationId);
				const position = this.positionOf(conversationId, messageId);
				const copy = this.create({ ...conversation, title: `${conversation.title} (branch)`, branchedFrom: conversation.id });
				for (const m of messages.slice(0, position + 1)) this.append(copy.id, m);
				return this.get(copy.id).conversation;
			})
			.immediate();
	}

	export(id: string): ConversationExport {
		const { conversation, messages } = this.get(id);
		const { id: _, ...header } = conversation;
		return { format: "hearth-conversation", version: 1, conversation: header, messages: messages.map(({ id: __, ...m }) => m) };
	}

	/** Imports an exported conversation as a new one (its own ids), in one transaction. */
	import(data: ConversationExport): Conversation {
		return this.db
			.transaction(() => {
				const created = this.create({ ...data.conversation, branchedFrom: undefined });
				for (const m of data.messages) this.append(created.id, m);
				return this.get(created.id).conversation;
			})
			.immediate();
	}

	close(): void {
		this.db.close();
	}

	private positionOf(conversationId: string, messageId: string): number {
		const row = this.db
			.prepare("SELECT position FROM messages WHERE id = ? AND conversation_id = ?")
			.get(messageId, conversationId) as { position: number } | undefined;
		if (!row) throw new ConversationNotFoundError(`${conversationId} message ${messageId}`);
		return row.position;
	}

	private touch(id: string): void {
		this.db.prepare("UPDATE conversations SET updated_at = ? WHERE id = ?").run(new Date().toISOString(), id);
	}
}

function toConversation(row: ConversationRow): Conversation {
	return {
		id: row.id,
		title: row.title,
		model: row.model ?? undefined,
		systemPrompt: row.system_prompt ?? undefined,
		settings: row.settings ? JSON.parse(row.settings) : undefined,
		branchedFrom: row.branched_from ?? undefined,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

function toMessage(row: MessageRow): StoredMessage {
	return {
		id: row.id,
		role: row.role,
		content: row.content,
		reasoning: row.reasoning ?? undefined,
		createdAt: row.created_at,
		stats: row.stats ? JSON.parse(row.stats) : undefined,
		...(row.attachments ? { attachments: JSON.parse(row.attachments) } : {}),
		...(row.sources ? { sources: JSON.parse(row.sources) } : {}),
		...(row.tools ? { tools: JSON.parse(row.tools) } : {}),
	};
}
