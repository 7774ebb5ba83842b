import { Ollama } from "ollama";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LLAMA_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// Ollama's `think`: a thinking model's reasoning comes as message.thinking (or `thinking` for
// /api/generate), apart from the answer, streamed as it is written; `think: false` leaves it out.
let server: FakeServer;
let ollama: Ollama;
const thinkingLlama = { thinker: /tiny-llama/, tokenDelayMs: 0 };
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];

beforeAll(async () => {
	server = await startFakeServer();
	ollama = new Ollama({ host: server.url });
});
afterAll(() => server.close());

describe("Ollama's think", () => {
	it("puts the reasoning in message.thinking, not in content, whole and streamed alike", async () => {
		await server.engine.with(thinkingLlama, async () => {
			const whole = await ollama.chat({
				model: LLAMA_KEY,
				messages: QUESTION,
				stream: false,
				options: { seed: 2, num_predict: 12 },
			});
			expect(whole.message.thinking?.length).toBeGreaterThan(0);
			expect(whole.message.content).not.toContain(whole.message.thinking ?? "?");
			let thinking = "";
			let content = "";
			for await (const part of await ollama.chat({
				model: LLAMA_KEY,
				messages: QUESTION,
				stream: true,
				options: { seed: 2, num_predict: 12 },
			})) {
				thinking += part.message.thinking ?? "";
				content += part.message.content;
			}
			expect(thinking).toBe(whole.message.thinking);
			expect(content).toBe(whole.message.content);
		});
	});

	it("leaves the reasoning out with think: false, keeping the answer", async () => {
		await server.engine.with(thinkingLlama, async () => {
			const asked = { model: LLAMA_KEY, messages: QUESTION, stream: false as const, options: { seed: 2, num_predict: 12 } };
			const hidden = await ollama.chat({ ...asked, think: false });
			expect(hidden.message.thinking).toBeUndefined();
			expect(hidden.message.content).toBe((await ollama.chat(asked)).message.content);
		});
	});

	it("gives /api/generate its `thinking` field", async () => {
		await server.engine.with(thinkingLlama, async () => {
			const answer = await ollama.generate({
				model: LLAMA_KEY,
				prompt: "where is taiwan",
				stream: false,
				options: { num_predict: 12 },
			});
			expect(answer.thinking?.length).toBeGreaterThan(0);
		});
	});
});
