import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { sseEvents } from "../fixtures/wire/wireShape.js";

// The scheduler through the server, on a fake model that answers until it is stopped, two
// milliseconds a token: one sequence and a queue of two, so the limits are easy to reach.
const QUESTION = [{ role: "user", content: "where is taiwan" }];
let server: FakeServer;

beforeAll(async () => {
	server = await startFakeServer({
		env: { HEARTH_PARALLEL: "1", HEARTH_QUEUE: "2" },
		engine: { tokenDelayMs: 2, answerTokens: 100_000 },
	});
});
afterAll(() => server.close());

const chat = (body: Record<string, unknown>, signal?: AbortSignal, on: FakeServer = server) =>
	fetch(`${on.url}/v1/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model: PHI3_KEY, messages: QUESTION, ...body }),
		signal,
	});
const loadedModels = async () =>
	((await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string; loaded: boolean }[] }).data
		.filter((m) => m.loaded)
		.map((m) => m.id);

describe("sequences and the queue", () => {
	it("frees the only sequence within 500 ms of a client disconnecting, and stops its generation", async () => {
		const controller = new AbortController();
		const response = await chat({ stream: true, temperature: 0 }, controller.signal);
		const reader = response.body?.getReader();
		await reader?.read();
		const finishedBefore = server.engine.finished.length;
		controller.abort();
		const started = performance.now();
		const next = await chat({ stream: true, max_tokens: 1 });
		const firstByte = await next.body?.getReader().read();
		expect(firstByte?.done).toBe(false);
		expect(performance.now() - started).toBeLessThan(500);
		const stopped = server.engine.finished.slice(finishedBefore).find((f) => f.result?.stats.stopReason === "user_stopped");
		expect(stopped?.result?.stats.generatedTokens).toBeLessThan(1000);
	});

	it("answers a burst past the queue with 503 and Retry-After, and resets no connection", async () => {
		const results = await Promise.all(
			Array.from({ length: 8 }, () =>
				// Long enough that the first answer is still being generated when the last request arrives.
				chat({ max_tokens: 50, temperature: 0 }).then(
					async (r) => ({
						status: r.status,
						retryAfter: r.headers.get("retry-after"),
						code: ((await r.json()) as { error?: { code: string } }).error?.code,
					}),
					(error: Error) => ({ status: -1, retryAfter: null, code: error.message }),
				),
			),
		);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
		expect(statuses.filter((s) => s === 200)).toHaveLength(3); // one generating, two queued
		expect(statuses.filter((s) => s === 503)).toHaveLength(5);
		for (const r of results.filter((r) => r.status === 503)) expect(r).toMatchObject({ retryAfter: "1", code: "server_busy" });
	});

	it("gives every queued request its turn, in order", async () => {
		const order: number[] = [];
		await Promise.all(
			[0, 1, 2].map(async (i) => {
				await new Promise((resolve) => setTimeout(resolve, i * 10));
				const response = await chat({ max_tokens: 5, temperature: 0 });
				expect(response.status).toBe(200);
				await response.json();
				order.push(i);
			}),
		);
		expect(order).toEqual([0, 1, 2]);
	});
});

describe("which models are in memory", () => {
	it("loads a model just in time, evicts the least recently used one at the limit, and unloads after its ttl", async () => {
		expect((await chat({ max_tokens: 1 })).status).toBe(200);
		expect(await loadedModels()).toEqual([PHI3_KEY]);
		const loads = server.engine.loads.length;
		expect((await chat({ max_tokens: 1 })).status).toBe(200);
		expect(server.engine.loads).toHaveLength(loads); // loaded once, used twice
		expect((await chat({ model: LLAMA_KEY, max_tokens: 1, ttl: 1 })).status).toBe(200);
		expect(await loadedModels()).toEqual([LLAMA_KEY]);
		expect(server.engine.unloads.at(-1)).toEqual({ id: PHI3_KEY, reason: "requested" });
		await new Promise((r) => setTimeout(r, 1300));
		expect(await loadedModels()).toEqual([]);
		expect(server.engine.unloads.at(-1)).toEqual({ id: LLAMA_KEY, reason: "requested" });
	});

	it("does not evict a model that is answering: the other model's request is told to retry", async () => {
		const controller = new AbortController();
		const busy = await chat({ stream: true }, controller.signal);
		await busy.body?.getReader().read();
		try {
			const other = await chat({ model: LLAMA_KEY, max_tokens: 1 });
			expect(other.status).toBe(503);
			expect(other.headers.get("retry-after")).toBe("5");
			expect(((await other.json()) as { error: { code: string } }).error.code).toBe("server_busy");
			expect(await loadedModels()).toEqual([PHI3_KEY]);
		} finally {
			controller.abort();
		}
	});

	it("forgets a model whose runner died, and loads it again for the next request", async () => {
		expect((await chat({ max_tokens: 1 })).status).toBe(200);
		const loads = server.engine.loads.length;
		server.engine.crash(PHI3_KEY);
		expect(await loadedModels()).toEqual([]);
		expect((await chat({ max_tokens: 1 })).status).toBe(200);
		expect(server.engine.loads).toHaveLength(loads + 1);
		expect(await loadedModels()).toEqual([PHI3_KEY]);
	});
});

describe("shutdown", () => {
	it("lets the generation in flight finish, then unloads and stops listening", async () => {
		const own = await startFakeServer({ engine: { tokenDelayMs: 2 } });
		const response = await chat({ stream: true, max_tokens: 20 }, undefined, own);
		const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
		let text = new TextDecoder().decode((await reader.read()).value);
		const closed = own.close();
		for (let next = await reader.read(); !next.done; next = await reader.read()) text += new TextDecoder().decode(next.value);
		await closed;
		const events = sseEvents(text);
		expect(events.at(-1)).toBe("[DONE]");
		expect(JSON.parse(events.at(-2) ?? "").choices[0].finish_reason).toBe("length");
		expect(own.engine.listLoaded()).toEqual([]);
		await expect(chat({ max_tokens: 1 }, undefined, own)).rejects.toThrow();
	});

	it("stops what is still running after the grace period", async () => {
		const own = await startFakeServer({
			env: { HEARTH_SHUTDOWN_GRACE: "1" },
			engine: { tokenDelayMs: 2, answerTokens: 100_000 },
		});
		const response = await chat({ stream: true }, undefined, own);
		const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
		await reader.read();
		const started = performance.now();
		const drained = (async () => {
			for (let next = await reader.read(); !next.done; next = await reader.read());
		})().catch(() => {});
		await own.close();
		expect(performance.now() - started).toBeLessThan(3000);
		expect(performance.now() - started).toBeGreaterThan(900);
		await drained;
		expect(own.engine.listLoaded()).toEqual([]);
	});
});
