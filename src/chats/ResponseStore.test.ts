import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ResponsesObject } from "../api/openai/ResponsesObject.js";
import { ChatStore } from "./ChatStore.js";
import { ResponseStore, type StoredResponse } from "./ResponseStore.js";

const dbPath = () => join(mkdtempSync(join(tmpdir(), "hearth-responses-")), "hearth.db");

function stored(id: string, createdAt = Math.floor(Date.now() / 1000)): StoredResponse {
	const response: ResponsesObject = {
		id,
		object: "response",
		created_at: createdAt,
		status: "completed",
		error: null,
		incomplete_details: null,
		instructions: null,
		max_output_tokens: null,
		model: "m",
		output: [
			{
				id: "msg_1",
				type: "message",
				status: "completed",
				content: [{ type: "output_text", annotations: [], logprobs: [], text: "In East Asia." }],
				role: "assistant",
			},
		],
		parallel_tool_calls: true,
		previous_response_id: null,
		store: true,
		temperature: 0.8,
		text: { format: { type: "text" } },
		tool_choice: "auto",
		tools: [],
		top_p: 0.95,
		truncation: "disabled",
		usage: {
			input_tokens: 7,
			input_tokens_details: { cached_tokens: 0 },
			output_tokens: 4,
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: 11,
		},
		metadata: { k: "v" },
	};
	return { response, conversation: [{ type: "message", role: "user", content: "where is taiwan" }] };
}

describe("ResponseStore", () => {
	it("keeps a response and its conversation across a reopen, key for key", () => {
		const path = dbPath();
		const store = new ResponseStore(path);
		store.save(stored("resp_a"));
		store.close();
		const reopened = new ResponseStore(path);
		const got = reopened.get("resp_a");
		expect(got).toEqual(stored("resp_a"));
		expect(Object.keys(got?.response ?? {})).toEqual(Object.keys(stored("resp_a").response));
		expect(reopened.get("resp_b")).toBeUndefined();
		reopened.close();
	});

	it("deletes a response once, and says whether there was one", () => {
		const store = new ResponseStore(dbPath());
		store.save(stored("resp_a"));
		expect(store.delete("resp_a")).toBe(true);
		expect(store.get("resp_a")).toBeUndefined();
		expect(store.delete("resp_a")).toBe(false);
		store.close();
	});

	it("forgets responses past the retention as new ones are stored", () => {
		const store = new ResponseStore(dbPath(), { retentionDays: 30 });
		store.save(stored("resp_old", Math.floor(Date.now() / 1000) - 31 * 86_400));
		store.save(stored("resp_new"));
		expect(store.get("resp_old")).toBeUndefined();
		expect(store.get("resp_new")).toBeDefined();
		store.close();
	});

	it("shares hearth.db with the chats, each migrating in its own count, in WAL mode", () => {
		const path = dbPath();
		const chats = new ChatStore(path);
		const responses = new ResponseStore(path);
		const chat = chats.create({ title: "Taiwan" });
		responses.save(stored("resp_a"));
		expect(chats.get(chat.id).conversation.title).toBe("Taiwan");
		expect(responses.schemaVersion).toBe(1);
		responses.close();
		chats.close();
		// Opening again applies nothing twice, in either order.
		const again = new ResponseStore(path);
		const chatsAgain = new ChatStore(path);
		expect(again.get("resp_a")).toBeDefined();
		expect(chatsAgain.list()).toHaveLength(1);
		again.close();
		chatsAgain.close();
		const db = new Database(path, { readonly: true });
		expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
		// user_version is the chats' own count (four migrations: the tables, reasoning, attachments and sources, tool steps).
		expect(db.pragma("user_version", { simple: true })).toBe(4);
		expect(db.prepare("SELECT store, version FROM store_versions").all()).toEqual([{ store: "responses", version: 1 }]);
		db.close();
	});

	it("waits for another connection's write lock instead of failing with SQLITE_BUSY", async () => {
		const path = dbPath();
		const store = new ResponseStore(path);
		// Another connection (as the CLI or a second server would be) holds the write lock for 300 ms.
		const holder = new Worker(
			`const { workerData, parentPort } = require("node:worker_threads");
			const db = new (require(workerData.sqlite))(workerData.path);
			db.exec("BEGIN IMMEDIATE");
			parentPort.postMessage("locked");
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
			db.exec("COMMIT");
			db.close();`,
			{ eval: true, workerData: { path, sqlite: createRequire(import.meta.url).resolve("better-sqlite3") } },
		);
		await once(holder, "message");
		const started = performance.now();
		store.save(stored("resp_a"));
		expect(performance.now() - started).toBeGreaterThan(150);
		expect(store.get("resp_a")).toBeDefined();
		await once(holder, "exit");
		store.close();
	});
});
