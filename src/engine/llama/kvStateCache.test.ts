import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import type { KvCacheType } from "../../api/native/NativeModels.js";
import type { ChatMessage, GenerationResult } from "../Engine.js";
import { engineVersions } from "./engineVersions.js";
import { kvCacheOptions } from "./kvCacheOptions.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

// One sequence, two conversations taking turns: without kept states each turn evaluates its whole
// history again, because the other conversation took the sequence. The tiny model's speed says
// nothing; what is checked is which tokens are evaluated, and that a restored state answers exactly
// as the state it was saved from.
const homes: string[] = [];
let model: string;

beforeAll(async () => {
	// Heads of 32 values, so that a q8_0 cache fits them.
	model = await testModel({ type: "Q8_0", dimensions: { heads: 2, kvHeads: 2 } });
});
afterAll(() => {
	for (const home of homes) {
		const folders = kvCacheOptions(home, subject(), { ramMb: 1, diskMb: 1 });
		if (folders?.ramDir) rmSync(join(folders.ramDir, ".."), { recursive: true, force: true });
		rmSync(home, { recursive: true, force: true });
	}
});

function subject() {
	return { modelPath: model, gpu: "auto", gpuLayers: "auto" as const, threads: 1, engineVersion: engineVersions().llamaCpp };
}

async function engineWith(kvCache: { ramMb: number; diskMb: number }, home = newHome(), parallel = 1, kvCacheType?: KvCacheType) {
	const logs: string[] = [];
	const engine = new LlamaCppEngine({ threads: 1, home, kvCache, onLog: (_level, message) => logs.push(message) });
	await engine.load(model, { id: "m", parallel, flashAttention: false, kvCacheType });
	return { engine, home, logs };
}

function newHome(): string {
	const home = mkdtempSync(join(tmpdir(), "hearth-kv-"));
	homes.push(home);
	return home;
}

const system = (topic: string): ChatMessage => ({
	role: "system",
	content: `You are a patient tutor of ${topic}. Answer in short sentences, name your sources, and say when you do not know something about ${topic}.`,
});
const first = (topic: string): ChatMessage[] => [system(topic), { role: "user", content: `tell me about ${topic}` }];
const next = (topic: string, answer: GenerationResult): ChatMessage[] => [
	...first(topic),
	{ role: "assistant", content: answer.text },
	{ role: "user", content: "and then?" },
];
const ask = (engine: LlamaCppEngine, messages: ChatMessage[]) =>
	engine.chat("m", { messages, maxTokens: 12, temperature: 0, seed: 7 });

describe("a conversation whose sequence another conversation took", () => {
	it("has its history restored, not evaluated again, and answers as if it had kept the sequence", async () => {
		const { engine: alone } = await engineWith({ ramMb: 0, diskMb: 0 });
		const a1 = await ask(alone, first("islands"));
		const uninterrupted = await ask(alone, next("islands", a1));
		await ask(alone, first("rivers"));
		const withoutCache = await ask(alone, next("islands", a1));
		await alone.dispose();
		// The baseline: the other conversation's turn cost this one its history.
		expect(withoutCache.stats.cachedPromptTokens).toBeLessThan(a1.stats.promptTokens / 2);

		const { engine, logs } = await engineWith({ ramMb: 64, diskMb: 64 });
		expect((await ask(engine, first("islands"))).text).toBe(a1.text);
		await ask(engine, first("rivers"));
		const restored = await ask(engine, next("islands", a1));
		expect(restored.stats.cachedPromptTokens).toBeGreaterThanOrEqual(a1.stats.promptTokens);
		expect(restored.text).toBe(uninterrupted.text);
		expect(logs.some((l) => /restored the KV state of \d+ tokens \(ram\)/.test(l))).toBe(true);
		await engine.dispose();
	});

	it("keeps states on disk past the RAM budget and across a restart of its runner", async () => {
		const { engine, home } = await engineWith({ ramMb: 0, diskMb: 64 });
		const a1 = await ask(engine, first("islands"));
		const r1 = await ask(engine, first("rivers")); // keeps the islands' state, on disk
		const folder = join(kvCacheOptions(home, subject(), { ramMb: 0, diskMb: 64 })?.diskDir ?? "", "fa-off-p1");
		expect(readdirSync(folder).filter((n) => n.endsWith(".kv"))).toHaveLength(1);
		await engine.dispose(); // keeps the rivers' state too

		const later = await engineWith({ ramMb: 0, diskMb: 64 }, home);
		const rivers = await ask(later.engine, next("rivers", r1));
		expect(rivers.stats.cachedPromptTokens).toBeGreaterThanOrEqual(r1.stats.promptTokens);
		const islands = await ask(later.engine, next("islands", a1));
		expect(islands.stats.cachedPromptTokens).toBeGreaterThanOrEqual(a1.stats.promptTokens);
		expect(later.logs.some((l) => /restored the KV state of \d+ tokens \(disk\)/.test(l))).toBe(true);
		await later.engine.dispose();
	});

	it("keeps a q8_0 cache's states apart, smaller than f16's, and restores them", async () => {
		const stateBytes = async (kvCacheType: KvCacheType, layout: string) => {
			const { engine, home } = await engineWith({ ramMb: 0, diskMb: 64 }, newHome(), 1, kvCacheType);
			const loaded = engine.listLoaded().find((m) => m.id === "m");
			expect(loaded?.kvCacheType).toBe(kvCacheType);
			const a1 = await ask(engine, first("islands"));
			await ask(engine, first("rivers")); // keeps the islands' state
			const again = await ask(engine, next("islands", a1));
			expect(again.stats.cachedPromptTokens).toBeGreaterThanOrEqual(a1.stats.promptTokens);
			await engine.dispose();
			const folder = join(kvCacheOptions(home, subject(), { ramMb: 0, diskMb: 64 })?.diskDir ?? "", layout);
			const files = readdirSync(folder).filter((n) => n.endsWith(".kv"));
			return Math.max(...files.map((n) => statSync(join(folder, n)).size));
		};
		const f16 = await stateBytes("f16", "fa-off-p1");
		// With flash attention off only the keys are quantized: about 3/4 of f16's bytes.
		const q8 = await stateBytes("q8_0", "fa-off-p1-q8_0");
		expect(q8).toBeLessThan(f16 * 0.9);
		expect(q8).toBeGreaterThan(f16 * 0.5);
	});

	it("discards a saved state whose file holds other tokens, and answers from a fresh evaluation", async () => {
		const { engine, home, logs } = await engineWith({ ramMb: 0, diskMb: 64 });
		const a1 = await ask(engine, first("islands"));
		await ask(engine, first("rivers"));
		await ask(engine, first("mountains")); // now both islands and rivers are kept
		const folder = join(kvCacheOptions(home, subject(), { ramMb: 0, diskMb: 64 })?.diskDir ?? "", "fa-off-p1");
		const [x, y] = readdirSync(folder).filter((n) => n.endsWith(".kv"));
		expect(y).toBeDefined();
		const [bytesX, bytesY] = [readFileSync(join(folder, x as string)), readFileSync(join(folder, y as string))];
		writeFileSync(join(folder, x as string), bytesY);
		writeFileSync(join(folder, y as string), bytesX);

		const { engine: fresh } = await engineWith({ ramMb: 0, diskMb: 0 });
		const expected = await ask(fresh, next("islands", await ask(fresh, first("islands"))));
		await fresh.dispose();
		const answer = await ask(engine, next("islands", a1));
		expect(answer.stats.cachedPromptTokens).toBeLessThan(a1.stats.promptTokens / 2);
		expect(answer.text).toBe(expected.text);
		expect(logs.some((l) => l.startsWith("discarded a saved KV state"))).toBe(true);
		await engine.dispose();
	});

	it("answers from a fresh evaluation when llama.cpp refuses a saved state, whatever the sequence held", async () => {
		// A state saved by a one-sequence context, put where a two-sequence context looks: llama.cpp
		// refuses it ("n_stream mismatch") after node-llama-cpp has forgotten the sequence's tokens.
		const { engine: one, home } = await engineWith({ ramMb: 0, diskMb: 64 });
		const a1 = await ask(one, first("islands"));
		await ask(one, first("rivers"));
		await one.dispose();
		const disk = kvCacheOptions(home, subject(), { ramMb: 0, diskMb: 64 })?.diskDir ?? "";
		cpSync(join(disk, "fa-off-p1"), join(disk, "fa-off-p2"), { recursive: true });

		const { engine: fresh } = await engineWith({ ramMb: 0, diskMb: 0 }, newHome(), 2);
		const expected = await ask(fresh, next("islands", await ask(fresh, first("islands"))));
		await fresh.dispose();
		const { engine, logs } = await engineWith({ ramMb: 0, diskMb: 64 }, home, 2);
		await ask(engine, first("mountains"));
		await ask(engine, first("deserts")); // both sequences hold a conversation now
		const answer = await ask(engine, next("islands", a1));
		expect(logs.some((l) => l.startsWith("discarded a saved KV state"))).toBe(true);
		expect(answer.stats.generatedTokens).toBe(12);
		expect(answer.text).toBe(expected.text);
		await engine.dispose();
	});

	it("goes on answering when its states cannot be written", async () => {
		const home = newHome();
		writeFileSync(join(home, "cache"), "a file where the cache folder should be");
		const { engine, logs } = await engineWith({ ramMb: 0, diskMb: 64 }, home);
		await ask(engine, first("islands"));
		const rivers = await ask(engine, first("rivers"));
		expect(rivers.stats.generatedTokens).toBe(12);
		expect(logs.some((l) => l.startsWith("could not keep a KV state"))).toBe(true);
		await engine.dispose();
	});
});
