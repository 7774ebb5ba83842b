import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

// A request whose sequence holds another conversation's tokens must erase them first, and
// node-llama-cpp erases under the lock its batch loop keeps while any stream decodes. Without
// DecodePause such a request waited for the other streams' whole answers; with it, the erase waits
// for one batch. The tiny model's speed is irrelevant: what is checked is an order of events.
const engine = new LlamaCppEngine({ threads: 1 });

beforeAll(async () => {
	await engine.load(await testModel({ type: "Q8_0" }), { id: "four", parallel: 4, flashAttention: false });
});
afterAll(() => engine.dispose());

describe("a request arriving while another stream decodes", () => {
	it("erases its sequence's stale tokens and answers while three other streams are still generating", async () => {
		// Every sequence holds another prompt, so the newcomer's has stale tokens to erase. (With one
		// other stream node-llama-cpp's loop happens to let go of the lock between tokens; with three
		// it does not: without the pause the newcomer here waited for all three to end.)
		await Promise.all(
			[0, 1, 2, 3].map((i) => engine.complete("four", { prompt: `p${i} one two three`, maxTokens: 8, temperature: 0 })),
		);
		const longs = [0, 1, 2].map((i) =>
			engine.complete("four", { prompt: `p${i} one two three four`, maxTokens: 3000, temperature: 0 }),
		);
		let ended = 0;
		const done = longs.map((l) =>
			l.then((r) => {
				ended += 1;
				return r;
			}),
		);
		for (const long of longs) {
			const pieces = long[Symbol.asyncIterator]();
			for (let i = 0; i < 5; i++) await pieces.next(); // each long stream is decoding
		}
		const result = await engine.complete("four", { prompt: "the island of taiwan is", maxTokens: 4, temperature: 0 });
		expect(result.stats.generatedTokens).toBe(4);
		expect(result.stats.cachedPromptTokens).toBeLessThan(result.stats.promptTokens - 1);
		expect(ended).toBe(0);
		for (const whole of await Promise.all(done)) expect(whole.stats.generatedTokens).toBe(3000);
	});

	it("gives the same greedy answer as it would alone", async () => {
		const ask = { prompt: "the island of taiwan is", maxTokens: 12, temperature: 0 };
		const alone = await engine.complete("four", ask);
		const busy = engine.complete("four", { prompt: "zeta eta theta", maxTokens: 2000, temperature: 0 });
		const pieces = busy[Symbol.asyncIterator]();
		for (let i = 0; i < 3; i++) await pieces.next();
		expect((await engine.complete("four", ask)).text).toBe(alone.text);
		await busy;
	});
});
