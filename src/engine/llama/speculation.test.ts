import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import { DraftModelMismatchError } from "../errors/DraftModelMismatchError.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

// Drafted tokens are verified by the model itself, so greedy answers must not change whatever drafts;
// what changes is how many drafts are accepted. A model drafting for itself agrees with every draft;
// a model of the same vocabulary with other weights agrees with few. Random weights are never sure
// of a token, so the draft's confidence threshold is 0 here; the model's logits are scaled up
// ("confident") so that numerics of batched and one-by-one evaluation never flip a greedy choice.
const engine = new LlamaCppEngine({ threads: 1 });
let target: string;
const ask = { prompt: "the island of taiwan is a place where", maxTokens: 40, temperature: 0, seed: 1, repeatPenalty: 1 };

beforeAll(async () => {
	target = await testModel({ type: "F32", confident: true });
	await engine.load(target, { id: "plain", flashAttention: false, promptLookup: false });
});
afterAll(() => engine.dispose());

describe("speculative decoding", () => {
	it("with the model as its own draft accepts every draft and answers as without one", async () => {
		const plain = await engine.complete("plain", ask);
		expect(plain.stats.draftTokens).toBeUndefined();
		await engine.load(target, { id: "self", flashAttention: false, draftModelPath: target, draftMinConfidence: 0 });
		const drafted = await engine.complete("self", ask);
		await engine.unload("self");
		expect(drafted.text).toBe(plain.text);
		expect(drafted.stats.draftTokens).toBeGreaterThan(10);
		expect(drafted.stats.acceptedDraftTokens).toBe(drafted.stats.draftTokens);
	});

	it("with an unrelated draft of the same vocabulary accepts few drafts, and the answer does not change", async () => {
		const plain = await engine.complete("plain", ask);
		const other = await testModel({ type: "F32", confident: true, seed: 99 });
		await engine.load(target, { id: "other", flashAttention: false, draftModelPath: other, draftMinConfidence: 0 });
		const drafted = await engine.complete("other", ask);
		await engine.unload("other");
		expect(drafted.text).toBe(plain.text);
		expect(drafted.stats.acceptedDraftTokens).toBeLessThan((drafted.stats.draftTokens ?? 0) * 0.5);
	});

	it("stops drafting for a while when drafts are mostly refused", async () => {
		const other = await testModel({ type: "F32", confident: true, seed: 99 });
		await engine.load(target, { id: "rests", flashAttention: false, draftModelPath: other, draftMinConfidence: 0 });
		const long = await engine.complete("rests", { ...ask, maxTokens: 240 });
		await engine.unload("rests");
		// Drafting at every step, this draft drafts a token every second step (118 drafts here, 37 %
		// accepted); resting after each window of mostly refused drafts, 72.
		expect(long.stats.generatedTokens).toBe(240);
		expect(long.stats.draftTokens).toBeLessThan(100);
	});

	it("with prompt lookup drafts the prompt's own tokens where the answer repeats them", async () => {
		// The model's own greedy continuation, put in the prompt: when it writes it again, lookup drafts it.
		const first = await engine.complete("plain", ask);
		const echo = { ...ask, prompt: `${ask.prompt}${first.text} ${ask.prompt}` };
		const plain = await engine.complete("plain", echo);
		await engine.load(target, { id: "lookup", flashAttention: false, promptLookup: true });
		const drafted = await engine.complete("lookup", echo);
		await engine.unload("lookup");
		expect(drafted.text).toBe(plain.text);
		expect(drafted.stats.draftTokens).toBeGreaterThan(0);
		expect(drafted.stats.acceptedDraftTokens).toBeGreaterThan(0);
	});

	it("by default looks up the prompt only on a GPU, where a longer batch costs next to nothing", async () => {
		const loaded = await engine.load(target, { id: "default", flashAttention: false });
		await engine.unload("default");
		expect(loaded.speculation).toEqual({ promptLookup: loaded.gpuLayers > 0 });
	});

	it("refuses at load a draft model whose vocabulary is not the model's", async () => {
		const llama = await testModel({ architecture: "llama", type: "Q4_0" });
		const load = engine.load(target, { id: "mismatch", flashAttention: false, draftModelPath: llama });
		await expect(load).rejects.toBeInstanceOf(DraftModelMismatchError);
		await expect(load).rejects.toThrow(/cannot be this model's draft model: /);
		expect(engine.listLoaded().map((m) => m.id)).not.toContain("mismatch");
	});
});
