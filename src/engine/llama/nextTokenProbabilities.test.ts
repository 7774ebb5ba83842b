import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildToyVocabulary } from "../../../test/fixtures/gguf/toyVocabulary.js";
import { testModel } from "../../../test/fixtures/testModel.js";
import { ContextOverflowError } from "../errors/ContextOverflowError.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

// Next-token probabilities, what eval scores by: the model's whole softmax, the same whatever the
// sequence ran before, and refusals for tokens outside the vocabulary and prompts past the context.
let engine: LlamaCppEngine;
let vocabulary: number[];
let contextLength: number;
const PROMPT = "<|user|>\nwhere is taiwan<|end|>\n<|assistant|>\n";

beforeAll(async () => {
	engine = new LlamaCppEngine({ kvCache: { ramMb: 0, diskMb: 0 }, promptLookup: false });
	const loaded = await engine.load(await testModel({ seed: 5 }), { id: "m", contextLength: 64, flashAttention: false });
	vocabulary = buildToyVocabulary().tokens.map((_, id) => id);
	contextLength = loaded.contextLength;
}, 60_000);
afterAll(() => engine.dispose());

describe("nextTokenProbabilities", () => {
	it("is the whole distribution: every token's probability, summing to 1", async () => {
		const p = await engine.nextTokenProbabilities("m", PROMPT, vocabulary);
		expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
		// Nothing cut off by top-k or min-p: the many plain tokens all keep some probability.
		expect(p.filter((x) => x > 0).length).toBeGreaterThan(200);
	});

	it("gives the same numbers for a prompt whatever the sequence evaluated before", async () => {
		const ids = vocabulary.slice(300, 340);
		const first = await engine.nextTokenProbabilities("m", PROMPT, ids);
		await engine.nextTokenProbabilities("m", `${PROMPT} the`, ids);
		await engine.complete("m", { prompt: "hello", maxTokens: 3, temperature: 0 });
		expect(await engine.nextTokenProbabilities("m", PROMPT, ids)).toEqual(first);
	});

	it("refuses a token outside the vocabulary and a prompt longer than the context", async () => {
		await expect(engine.nextTokenProbabilities("m", PROMPT, [vocabulary.length])).rejects.toThrow(RangeError);
		await expect(engine.nextTokenProbabilities("m", PROMPT, [-1])).rejects.toThrow(RangeError);
		await expect(engine.nextTokenProbabilities("m", "the ".repeat(contextLength + 8), [1])).rejects.toBeInstanceOf(
			ContextOverflowError,
		);
	});
});
