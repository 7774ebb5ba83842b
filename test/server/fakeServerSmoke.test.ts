import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

let server: FakeServer;
beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

it("answers the openai client from the fake engine, seeded and reproducible", async () => {
	const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "x", maxRetries: 0 });
	const ask = () =>
		openai.chat.completions.create({
			model: PHI3_KEY,
			messages: [{ role: "user", content: "where is taiwan" }],
			max_tokens: 5,
			seed: 7,
		});
	const [a, b] = [await ask(), await ask()];
	expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
	expect(a.choices[0].finish_reason).toBe("length");
	expect(a.usage?.completion_tokens).toBe(5);
	expect(server.engine.loads).toHaveLength(1);
});
