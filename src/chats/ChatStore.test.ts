import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConversationExport } from "../api/native/NativeChats.js";
import { ChatStore, ConversationNotFoundError } from "./ChatStore.js";

const dbPath = () => join(mkdtempSync(join(tmpdir(), "hearth-chats-")), "hearth.db");
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
});
