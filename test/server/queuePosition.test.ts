import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// One sequence: a second chat waits for the first, and is told so, in order, while it waits.
let server: FakeServer;

beforeAll(async () => {
	server = await startFakeServer({ engine: { tokenDelayMs: 3, answerTokens: 100_000 }, env: { HEARTH_PARALLEL: "1" } });
});
afterAll(() => server.close());

const chat = (maxTokens: number, signal?: AbortSignal) =>
	fetch(`${server.url}/hearth/chat`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model: PHI3_KEY, messages: [{ role: "user", content: "where is taiwan" }], maxTokens }),
		signal,
	});
const events = async (response: Response) =>
	(await response.text())
		.split("\n")
		.filter((line) => line.startsWith("data: "))
		.map((line) => JSON.parse(line.slice(6)) as { type: string; position?: number; stats?: { generatedTokens: number } });
const loaded = async () =>
	((await (await fetch(`${server.url}/hearth/models/loaded`)).json()) as { inFlight: number; queued: number }[])[0];

describe("a request waiting for a sequence", () => {
	it("is told its place in the native stream, shows in /hearth/models/loaded, and runs after the one before it", async () => {
		await (await chat(1)).text(); // loaded
		const first = chat(60);
		await new Promise((resolve) => setTimeout(resolve, 20));
		const second = chat(3);
		const third = chat(3);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(await loaded()).toMatchObject({ inFlight: 3, queued: 2 });
		const [a, b, c] = await Promise.all([first.then(events), second.then(events), third.then(events)]);
		expect(a.map((e) => e.type)).not.toContain("queued");
		expect(a.at(-1)?.stats?.generatedTokens).toBe(60);
		expect(b.filter((e) => e.type === "queued").map((e) => e.position)).toEqual([1]);
		expect(c.filter((e) => e.type === "queued").map((e) => e.position)).toEqual([2, 1]);
		for (const waited of [b, c]) {
			expect(waited.map((e) => e.type).filter((t) => t !== "queued" && t !== "fragment")).toEqual(["start", "done"]);
			expect(waited.at(-1)?.stats?.generatedTokens).toBe(3);
		}
		expect(await loaded()).toMatchObject({ inFlight: 0, queued: 0 });
	});

	it("that gives up leaves the queue; OpenAI's client meanwhile just waits, and gets its answer", async () => {
		const first = chat(40);
		await new Promise((resolve) => setTimeout(resolve, 20));
		const leaving = new AbortController();
		const gone = chat(3, leaving.signal).catch(() => undefined);
		const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "x", maxRetries: 0 });
		const waiting = openai.chat.completions.create({
			model: PHI3_KEY,
			messages: [{ role: "user", content: "where is taiwan" }],
			max_tokens: 3,
		});
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect((await loaded())?.queued).toBe(2);
		leaving.abort();
		await gone;
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect((await loaded())?.queued).toBe(1);
		expect((await waiting).usage?.completion_tokens).toBe(3);
		expect((await events(await first)).at(-1)?.stats?.generatedTokens).toBe(40);
	});
});
