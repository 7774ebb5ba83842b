import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

const engine = new LlamaCppEngine({ threads: 1 });
beforeAll(async () => {
	await engine.load(await testModel({ type: "Q8_0" }), { id: "phi3" });
});
afterAll(() => engine.dispose());

describe("logit_bias", () => {
	it("+100 on a token makes a greedy answer that token", async () => {
		const [token] = await engine.tokenize("phi3", "island");
		const plain = await engine.complete("phi3", { prompt: "The", temperature: 0, maxTokens: 1 });
		const biased = await engine.complete("phi3", { prompt: "The", temperature: 0, maxTokens: 1, logitBias: { [token]: 100 } });
		expect(plain.text.trim()).not.toBe("island");
		expect(biased.text.trim()).toBe("island");
	});

	it("-100 bans the token a greedy answer would start with", async () => {
		const plain = await engine.complete("phi3", { prompt: "The", temperature: 0, maxTokens: 1 });
		const [first] = await engine.tokenize("phi3", plain.text);
		expect(plain.text.length).toBeGreaterThan(0);
		const banned = await engine.complete("phi3", { prompt: "The", temperature: 0, maxTokens: 1, logitBias: { [first]: -100 } });
		expect(banned.text).not.toBe(plain.text);
	});

	it("an id outside the vocabulary is a RangeError naming the vocabulary's size", async () => {
		await expect(engine.complete("phi3", { prompt: "The", maxTokens: 1, logitBias: { 10000000: 5 } })).rejects.toThrow(
			/logit_bias names token 10000000, but the model's vocabulary has \d+ tokens/,
		);
	});
});
