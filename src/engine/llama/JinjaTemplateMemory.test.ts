import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import type { ChatMessage } from "../Engine.js";
import { JinjaTemplateMemory } from "./JinjaTemplateMemory.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

describe("JinjaTemplateMemory", () => {
	it("remembers a template across instances of the same engine version, and forgets it for another", () => {
		const file = join(mkdtempSync(join(tmpdir(), "hearth-wrappers-")), "cache", "chat-wrappers.json");
		const memory = new JinjaTemplateMemory(file, "3.21.1");
		expect(memory.has("{{ x }}")).toBe(false);
		memory.add("{{ x }}");
		expect(new JinjaTemplateMemory(file, "3.21.1").has("{{ x }}")).toBe(true);
		expect(new JinjaTemplateMemory(file, "3.22.0").has("{{ x }}")).toBe(false);
		expect(new JinjaTemplateMemory(file, "3.21.1").has("{{ y }}")).toBe(false);
	});
});

describe("a load that asks for the remembered Jinja wrapper by name", () => {
	const home = mkdtempSync(join(tmpdir(), "hearth-wrapper-home-"));
	const engines: LlamaCppEngine[] = [];
	afterAll(() => Promise.all(engines.map((e) => e.dispose())));
	const conversation: ChatMessage[] = [
		{ role: "system", content: "Be brief." },
		{ role: "user", content: "where is taiwan" },
	];

	it("renders exactly what the first, resolved load rendered", async () => {
		const path = await testModel({ type: "F32" });
		const first = new LlamaCppEngine({ threads: 1, home });
		engines.push(first);
		const loaded = await first.load(path, { id: "first" });
		expect(loaded.template).toEqual({ source: "gguf", wrapper: "JinjaTemplate" });
		const before = await first.renderChat("first", conversation);
		const saved = JSON.parse(readFileSync(join(home, "cache", "chat-wrappers.json"), "utf8")) as { jinja: string[] };
		expect(saved.jinja).toHaveLength(1);

		const second = new LlamaCppEngine({ threads: 1, home });
		engines.push(second);
		expect((await second.load(path, { id: "second" })).template).toEqual({ source: "gguf", wrapper: "JinjaTemplate" });
		expect(await second.renderChat("second", conversation)).toEqual(before);
	});
});
