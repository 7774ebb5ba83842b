import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompareEvent, CompareEvent as CompareEventSchema } from "../../src/api/native/NativeCompare.js";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// POST /hearth/compare on a FakeEngine server: columns streamed side by side, tagged, each with its
// own settings; models that cannot be loaded together take turns; a failing column fails alone.
let server: FakeServer;
let oneModel: FakeServer;

beforeAll(async () => {
	server = await startFakeServer({ engine: { tokenDelayMs: 4 }, env: { HEARTH_MAX_MODELS: "2" } });
	oneModel = await startFakeServer({ engine: { tokenDelayMs: 1 }, env: { HEARTH_MAX_MODELS: "1" } });
});
afterAll(async () => {
	await server.close();
	await oneModel.close();
});

const messages = [{ role: "user", content: "where is taiwan" }];
async function compare(on: FakeServer, body: unknown): Promise<{ status: number; events: CompareEvent[]; raw: string }> {
	const response = await fetch(`${on.url}/hearth/compare`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	const raw = await response.text();
	const events = raw
		.split("\n")
		.filter((line) => line.startsWith("data: "))
		.map((line) => CompareEventSchema.parse(JSON.parse(line.slice(6))));
	return { status: response.status, events, raw };
}
const of = (events: CompareEvent[], column: number) => events.filter((e) => e.column === column);
const doneOf = (events: CompareEvent[], column: number) => {
	const done = of(events, column).find((e) => e.type === "done");
	if (done?.type !== "done") throw new Error(`column ${column} has no done event`);
	return done;
};

describe("POST /hearth/compare", () => {
	it("streams every column at once, tagged, each with its own settings", async () => {
		const { status, events } = await compare(server, {
			messages,
			columns: [
				{ model: PHI3_KEY, seed: 1, temperature: 0.8, maxTokens: 12 },
				{ model: PHI3_KEY, seed: 1, temperature: 0.8, maxTokens: 12, label: "same seed" },
				{ model: LLAMA_KEY, seed: 2, temperature: 0.8, maxTokens: 6 },
			],
		});
		expect(status).toBe(200);
		for (const column of [0, 1, 2]) {
			const types = of(events, column).map((e) => e.type);
			expect(types[0]).toBe("start");
			expect(types.at(-1)).toBe("done");
			const done = doneOf(events, column);
			const fragments = of(events, column).flatMap((e) => (e.type === "fragment" ? [e.text] : []));
			expect(fragments.join("")).toBe(done.text);
		}
		expect(doneOf(events, 0).stats).toMatchObject({ seed: 1, generatedTokens: 12 });
		expect(doneOf(events, 2).stats).toMatchObject({ seed: 2, generatedTokens: 6 });
		expect(doneOf(events, 1).text).toBe(doneOf(events, 0).text);
		expect(of(events, 2).find((e) => e.type === "start")).toMatchObject({ model: LLAMA_KEY });
		// Side by side: column 1 started before column 0 finished.
		const firstOf1 = events.findIndex((e) => e.column === 1 && e.type === "fragment");
		const doneOf0 = events.findIndex((e) => e.column === 0 && e.type === "done");
		expect(firstOf1).toBeLessThan(doneOf0);
	});

	it("gives a column the same answer as a plain chat with its settings", async () => {
		const { events } = await compare(server, {
			messages,
			columns: [
				{ model: PHI3_KEY, seed: 7, temperature: 0.8, maxTokens: 8 },
				{ model: PHI3_KEY, seed: 8, temperature: 0.8, maxTokens: 8 },
			],
		});
		const chat = await fetch(`${server.url}/hearth/chat`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ model: PHI3_KEY, messages, seed: 7, temperature: 0.8, maxTokens: 8 }),
		});
		const done = (await chat.text())
			.split("\n")
			.filter((l) => l.startsWith("data: "))
			.map((l) => JSON.parse(l.slice(6)) as { type: string; text?: string })
			.find((e) => e.type === "done");
		expect(doneOf(events, 0).text).toBe(done?.text);
		expect(doneOf(events, 1).text).not.toBe(done?.text);
	});

	it("runs models that cannot be loaded together in turns, telling the later columns so", async () => {
		const { events } = await compare(oneModel, {
			messages,
			columns: [
				{ model: PHI3_KEY, maxTokens: 4 },
				{ model: LLAMA_KEY, maxTokens: 4 },
				{ model: PHI3_KEY, maxTokens: 4 },
			],
		});
		expect(events[0]).toEqual({ column: 1, type: "queued", position: 1 });
		const lastOfFirstTurn = Math.max(...events.flatMap((e, i) => (e.column !== 1 ? [i] : [])));
		const startOf1 = events.findIndex((e) => e.column === 1 && e.type === "start");
		expect(startOf1).toBeGreaterThan(lastOfFirstTurn);
		for (const column of [0, 1, 2]) expect(doneOf(events, column).stats.generatedTokens).toBe(4);
	});

	it("fails a column alone, and refuses a bad request or an unknown model before streaming", async () => {
		const { events } = await compare(server, {
			messages,
			columns: [
				{ model: PHI3_KEY, maxTokens: 4 },
				{ model: PHI3_KEY, maxTokens: 1_000_000 },
			],
		});
		expect(of(events, 1)).toEqual([
			{ column: 1, type: "error", error: { message: expect.stringMatching(/max/i), code: "max_tokens_too_large" } },
		]);
		expect(doneOf(events, 0).stats.generatedTokens).toBe(4);

		const one = await compare(server, { messages, columns: [{ model: PHI3_KEY }] });
		expect(one.status).toBe(400);
		expect(one.raw).toMatch(/compare at least 2 columns/);
		const unknown = await compare(server, { messages, columns: [{ model: PHI3_KEY }, { model: "no/such/model.gguf" }] });
		expect(unknown.status).toBe(404);
	});
});
