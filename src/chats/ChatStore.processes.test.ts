import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { ChatStore } from "./ChatStore.js";

const run = promisify(execFile);
const writer = new URL("../../test/fixtures/chatWriter.ts", import.meta.url).pathname;
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

it("three processes appending to one hearth.db at once lose nothing and see no SQLITE_BUSY", async () => {
	const path = join(mkdtempSync(join(tmpdir(), "hearth-db-")), "hearth.db");
	const store = new ChatStore(path);
	const { id } = store.create({ title: "shared" });
	const results = await Promise.all(
		[0, 1, 2].map(() => run(process.execPath, ["--import", tsx, writer, path, id, "150"], { timeout: 60_000 })),
	);
	for (const { stdout } of results) expect(JSON.parse(stdout)).toEqual({ failures: 0 });
	const messages = store.get(id).messages;
	expect(messages).toHaveLength(450);
	// Positions stayed unique and dense: no two appends read the same MAX(position).
	expect(new Set(messages.map((m) => m.content)).size).toBe(450);
	store.close();
}, 90_000);
