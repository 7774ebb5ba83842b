import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ConversationExport } from "../api/native/NativeChats.js";
import { ChatStore, ConversationNotFoundError } from "./ChatStore.js";

const dbPath = () => join(mkdtempSync(join(tmpdir(), "hearth-chats-")), "hearth.db");
const THOUGHT = "The user asks about an island. Taiwan is east of China.";

/**
 * A hearth.db as Hearth wrote it before answers kept their reasoning (schema version 1), with one
 * conversation of two messages. Written out here, not taken from ChatStore: it is what databases
 * on disk hold, whatever the code says now.
 */
function versionOneDatabase(path: string): void {
	const db = new Database(path);
	db.pragma("journal_mode = WAL");
	db.exec(`CREATE TABLE conversations (
		id TEXT PRIMARY KEY, title TEXT NOT NULL, model TEXT, system_prompt TEXT, settings TEXT,
		branched_from TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
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
	CREATE INDEX conversations_by_update ON conversations(updated_at DESC);
	INSERT INTO conversations VALUES ('old', 'Old chat', NULL, NULL, NULL, NULL, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
	INSERT INTO messages VALUES ('q', 'old', 0, 'user', 'where is taiwan', NULL, '2025-01-01T00:00:00.000Z');
	INSERT INTO messages VALUES ('a', 'old', 1, 'assistant', 'East Asia', NULL, '2025-01-01T00:00:01.000Z');`);
	db.pragma("user_version = 1");
	db.close();
}
const stats = {
	promptTokens: 12,
	generatedTokens: 30,
	timeToFirstTokenMs: 210,
	tokensPerSecond: 8.4,
	totalMs: 3800,
	stopReason: "eos" as const,
	seed: 7,
	truncatedPromptTokens: 0,
	cachedPromptTokens: 0,
};

describe("ChatStore", () => {
	it("keeps conversations and messages across a reopen, in WAL mode", () => {
		const path = dbPath();
		const store = new ChatStore(path);
		expect(store.journalMode).toBe("wal");
		const chat = store.create({
			title: "Taiwan",
			model: "phi-3-mini-4k-instruct-q4",
			systemPrompt: "Be brief.",
			settings: { temperature: 0.7 },
		});
		store.append(chat.id, { role: "user", content: "where is taiwan" });
		store.append(chat.id, { role: "assistant", content: "In East Asia.", stats });
		store.close();
		const reopened = new ChatStore(path);
		const { conversation, messages } = reopened.get(chat.id);
		expect(conversation).toMatchObject({
			title: "Taiwan",
			model: "phi-3-mini-4k-instruct-q4",
			systemPrompt: "Be brief.",
			settings: { temperature: 0.7 },
		});
		expect(messages.map((m) => [m.role, m.content])).toEqual([
			["user", "where is taiwan"],
			["assistant", "In East Asia."],
		]);
		expect(messages[1].stats).toEqual(stats);
		reopened.close();
	});

	it("lists newest first, renames, searches titles and text, deletes", async () => {
		const store = new ChatStore(dbPath());
		const a = store.create({ title: "Geography" });
		store.append(a.id, { role: "user", content: "where is taiwan" });
		await new Promise((r) => setTimeout(r, 5));
		const b = store.create({ title: "Summaries" });
		expect(store.list().map((c) => c.id)).toEqual([b.id, a.id]);
		store.update(a.id, { title: "Islands" });
		expect(store.list()[0].title).toBe("Islands");
		expect(store.list("TAIWAN").map((c) => c.id)).toEqual([a.id]);
		expect(store.list("summ").map((c) => c.id)).toEqual([b.id]);
		expect(store.list("100%")).toEqual([]);
		store.delete(b.id);
		expect(store.list().map((c) => c.id)).toEqual([a.id]);
		expect(() => store.get(b.id)).toThrow(ConversationNotFoundError);
	});

	it("rewrites a message and forgets what followed (edit and resend, regenerate)", () => {
		const store = new ChatStore(dbPath());
		const chat = store.create();
		const q = store.append(chat.id, { role: "user", content: "where is taiwan" });
		store.append(chat.id, { role: "assistant", content: "East Asia", stats });
		store.append(chat.id, { role: "user", content: "and japan?" });
		const kept = store.rewrite(chat.id, q.id, "where is taipei");
		expect(kept.map((m) => m.content)).toEqual(["where is taipei"]);
		const again = store.append(chat.id, { role: "assistant", content: "In Taiwan" });
		expect(store.rewrite(chat.id, q.id).map((m) => m.id)).toEqual([q.id]);
		expect(() => store.rewrite(chat.id, again.id)).toThrow(ConversationNotFoundError);
	});

	it("branches a conversation from a message", () => {
		const store = new ChatStore(dbPath());
		const chat = store.create({ title: "Trip" });
		store.append(chat.id, { role: "user", content: "one" });
		const two = store.append(chat.id, { role: "assistant", content: "two" });
		store.append(chat.id, { role: "user", content: "three" });
		const branch = store.branch(chat.id, two.id);
		expect(branch).toMatchObject({ title: "Trip (branch)", branchedFrom: chat.id });
		expect(store.get(branch.id).messages.map((m) => m.content)).toEqual(["one", "two"]);
		expect(store.get(chat.id).messages).toHaveLength(3);
	});

	it("exports to JSON that validates, and imports it as a new conversation", () => {
		const store = new ChatStore(dbPath());
		const chat = store.create({ title: "Export me", systemPrompt: "Be brief." });
		store.append(chat.id, { role: "user", content: "<script>alert(1)</script>" });
		store.append(chat.id, { role: "assistant", content: "ok", stats });
		const exported = ConversationExport.parse(JSON.parse(JSON.stringify(store.export(chat.id))));
		const imported = store.import(exported);
		expect(imported.id).not.toBe(chat.id);
		expect(store.export(imported.id)).toEqual({
			...exported,
			conversation: { ...exported.conversation, createdAt: expect.any(String), updatedAt: expect.any(String) },
		});
	});

	it("keeps an answer's reasoning apart from its text, through a reopen, export, import and branch", () => {
		const path = dbPath();
		const store = new ChatStore(path);
		const chat = store.create({ title: "Thinking" });
		store.append(chat.id, { role: "user", content: "where is taiwan" });
		const answer = store.append(chat.id, { role: "assistant", content: "East Asia", reasoning: THOUGHT, stats });
		expect(answer).toMatchObject({ content: "East Asia", reasoning: THOUGHT });
		store.close();
		const reopened = new ChatStore(path);
		expect(reopened.get(chat.id).messages.map((m) => [m.content, m.reasoning])).toEqual([
			["where is taiwan", undefined],
			["East Asia", THOUGHT],
		]);
		const exported = ConversationExport.parse(JSON.parse(JSON.stringify(reopened.export(chat.id))));
		expect(exported.messages[1].reasoning).toBe(THOUGHT);
		expect(reopened.get(reopened.import(exported).id).messages[1].reasoning).toBe(THOUGHT);
		expect(reopened.get(reopened.branch(chat.id, answer.id).id).messages[1].reasoning).toBe(THOUGHT);
		reopened.close();
	});

	it("forgets the reasoning of an answer whose text is edited", () => {
		const store = new ChatStore(dbPath());
		const chat = store.create();
		store.append(chat.id, { role: "user", content: "where is taiwan" });
		const answer = store.append(chat.id, { role: "assistant", content: "East Asia", reasoning: THOUGHT, stats });
		expect(store.rewrite(chat.id, answer.id, "In East Asia.").at(-1)).toMatchObject({
			content: "In East Asia.",
			reasoning: undefined,
			stats: undefined,
		});
	});

	it("keeps a message's attachments and an answer's sources, through edits, branches and exports", () => {
		const store = new ChatStore(dbPath());
		const chat = store.create();
		const file = { name: "atlas.pdf", mime: "application/pdf", size: 1234, hash: "a".repeat(64), tokens: 300, pages: 2 };
		const source = { document: "atlas.pdf", passage: 3, passages: 9, page: 2, start: 10, end: 20, score: 0.5, text: "taiwan" };
		const question = store.append(chat.id, { role: "user", content: "where?", attachments: [file] });
		const step = {
			id: "call_1",
			server: "calc",
			tool: "add",
			arguments: '{"a":1}',
			result: { text: "1", isError: false, denied: false, truncated: false },
		};
		const answer = store.append(chat.id, { role: "assistant", content: "there", stats, sources: [source], tools: [step] });
		expect(store.get(chat.id).messages.at(-1)?.tools).toEqual([step]);
		expect(store.get(chat.id).messages.map((m) => [m.attachments, m.sources])).toEqual([
			[[file], undefined],
			[undefined, [source]],
		]);
		const copy = store.branch(chat.id, answer.id);
		expect(store.get(copy.id).messages.map((m) => [m.attachments, m.sources])).toEqual([
			[[file], undefined],
			[undefined, [source]],
		]);
		expect(store.export(chat.id).messages[0]?.attachments).toEqual([file]);
		// Editing the question keeps its files; the answer they grounded goes.
		expect(store.rewrite(chat.id, question.id, "where exactly?")).toMatchObject([
			{ content: "where exactly?", attachments: [file] },
		]);
		store.close();
	});

	it("migrates a database written before reasoning was kept: old messages stay, new ones keep reasoning", () => {
		const path = dbPath();
		versionOneDatabase(path);
		const store = new ChatStore(path);
		expect(store.schemaVersion).toBe(4);
		expect(store.get("old").messages.map((m) => [m.id, m.role, m.content, m.reasoning, m.stats])).toEqual([
			["q", "user", "where is taiwan", undefined, undefined],
			["a", "assistant", "East Asia", undefined, undefined],
		]);
		store.append("old", { role: "user", content: "and japan?" });
		store.append("old", { role: "assistant", content: "Also East Asia", reasoning: THOUGHT, stats });
		store.close();
		// Opening it again applies nothing twice (a second ALTER TABLE would fail) and keeps what was written.
		const reopened = new ChatStore(path);
		expect(reopened.schemaVersion).toBe(4);
		expect(reopened.get("old").messages.map((m) => m.reasoning)).toEqual([undefined, undefined, undefined, THOUGHT]);
		expect(reopened.list().map((c) => c.title)).toEqual(["Old chat"]);
		reopened.close();
	});
});
