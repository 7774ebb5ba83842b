import { describe, expect, it } from "vitest";
import { FakeEngine, type FakeEngineOptions } from "../../test/fixtures/FakeEngine.js";
import { ModelNotFoundError } from "../models/ModelNotFoundError.js";
import type { ChatRequest, LoadOptions, LoadProgress } from "./Engine.js";
import { ServerBusyError } from "./errors/ServerBusyError.js";
import { Scheduler, type SchedulerOptions } from "./Scheduler.js";

// The scheduler on a fake engine: which models are in memory, for how long, and how many requests
// may use or wait for one. Models are named by key, by a short name, or by file.
const MODELS: Record<string, string> = { a: "/models/a.gguf", b: "/models/b.gguf", c: "/models/c.gguf" };
const ASK: ChatRequest = { messages: [{ role: "user", content: "where is taiwan" }], maxTokens: 2 };
const LONG: ChatRequest = { messages: [{ role: "user", content: "where is taiwan" }] };

function setup(options: Partial<SchedulerOptions> = {}, engineOptions: FakeEngineOptions = {}) {
	const engine = new FakeEngine(engineOptions);
	const events: string[] = [];
	const scheduler = new Scheduler(
		engine,
		async (identifier) => {
			const key = identifier.replace(/^short-/, "").replace(/^\/models\/(\w+)\.gguf$/, "$1");
			if (!MODELS[key]) throw new ModelNotFoundError(identifier);
			return { key, path: MODELS[key] };
		},
		{ ttlSeconds: 3600, maxLoadedModels: 1, parallel: 1, queueLimit: 2, onEvent: (e) => events.push(e), ...options },
	);
	return { engine, scheduler, events };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ids = (scheduler: Scheduler) => scheduler.list().map((m) => m.id);

describe("just-in-time loading", () => {
	it("loads a model the first time a request names it, by any identifier, and reuses it after", async () => {
		const { engine, scheduler, events } = setup();
		const first = await scheduler.chat("short-a", ASK);
		expect(first.model).toMatchObject({ id: "a", path: "/models/a.gguf" });
		expect((await first.generation).stats.generatedTokens).toBe(2);
		await (await scheduler.chat("/models/a.gguf", ASK)).generation;
		await (await scheduler.chat("a", ASK)).generation;
		expect(engine.loads.map((l) => l.path)).toEqual(["/models/a.gguf"]);
		expect(engine.loads[0].options.id).toBe("a");
		expect(ids(scheduler)).toEqual(["a"]);
		expect(scheduler.isLoaded("a")).toBe(true);
		expect(events).toEqual([expect.stringMatching(/^loaded a in \d+\.\d s \(context 4096, 1 parallel, cpu\)$/)]);
	});

	it("loads once for requests that arrive together", async () => {
		const { engine, scheduler } = setup({ parallel: 4 }, { loadDelayMs: 30 });
		const answers = await Promise.all([1, 2, 3].map(() => scheduler.chat("a", ASK)));
		await Promise.all(answers.map((a) => a.generation));
		expect(engine.loads).toHaveLength(1);
	});

	it("says how long a request spent loading: the one that loaded, not the ones after", async () => {
		const { scheduler } = setup({}, { loadDelayMs: 20 });
		const first = await scheduler.chat("a", ASK);
		expect(first.loadMs).toBeGreaterThanOrEqual(15);
		expect(first.loadMs).toBe(first.model.loadTimeMs);
		await first.generation;
		expect((await scheduler.chat("a", ASK)).loadMs).toBe(0);
	});

	it("refuses a model nobody has, loading nothing", async () => {
		const { engine, scheduler } = setup();
		await expect(scheduler.chat("nope", ASK)).rejects.toBeInstanceOf(ModelNotFoundError);
		expect(engine.loads).toEqual([]);
		expect(scheduler.list()).toEqual([]);
	});

	it("forgets a failed load, so the next request tries again", async () => {
		const { engine, scheduler } = setup({}, { failLoad: /a\.gguf/ });
		await expect(scheduler.load("a")).rejects.toThrow(/the fake engine was told to fail/);
		expect(scheduler.list()).toEqual([]);
		expect(scheduler.listLoading()).toEqual([]);
		engine.options.failLoad = undefined;
		expect((await scheduler.load("a")).id).toBe("a");
		expect(engine.loads).toHaveLength(2);
	});
});

describe("load settings", () => {
	it("loads with the scheduler's parallel as a ceiling to fit, unless the request or the model's defaults name a count", async () => {
		const defaults: Record<string, LoadOptions> = { b: { contextLength: 512, parallel: 2, threads: 3 } };
		const { engine, scheduler } = setup({ parallel: 4, maxLoadedModels: 3, loadDefaults: (key) => defaults[key] });
		await scheduler.load("a");
		expect(engine.loads[0].options).toMatchObject({ id: "a", parallel: 4, fitParallel: true });
		await scheduler.load("b");
		expect(engine.loads[1].options).toMatchObject({ id: "b", contextLength: 512, parallel: 2, threads: 3, fitParallel: false });
		// What a request asks for goes over the defaults.
		await scheduler.load("c", { load: { parallel: 1, contextLength: 1024 } });
		expect(engine.loads[2].options).toMatchObject({ id: "c", parallel: 1, contextLength: 1024, fitParallel: false });
		await scheduler.unload("b");
		await scheduler.load("b", { load: { contextLength: 2048, threads: undefined } });
		expect(engine.loads[3].options).toMatchObject({ contextLength: 2048, parallel: 2, threads: 3 });
	});

	it("loads a model again for another context length when nobody is using it, not while someone is", async () => {
		const { engine, scheduler } = setup({ parallel: 2 });
		await scheduler.load("a");
		const busy = await scheduler.chat("a", LONG, { load: { contextLength: 4096 } });
		const during = await scheduler.chat("a", ASK, { load: { contextLength: 1024 } });
		expect(during.model.contextLength).toBe(4096);
		await during.generation;
		await busy.generation;
		const after = await scheduler.chat("a", ASK, { load: { contextLength: 1024 } });
		expect(after.model.contextLength).toBe(1024);
		expect(engine.loads.map((l) => l.options.contextLength)).toEqual([undefined, 1024]);
		// The length it has already: no reload.
		await after.generation;
		await scheduler.load("a", { load: { contextLength: 1024 } });
		expect(engine.loads).toHaveLength(2);
	});

	it("shows a load in progress with its stage, and passes the progress to the caller", async () => {
		const { scheduler } = setup({}, { loadDelayMs: 300 });
		const told: LoadProgress[] = [];
		const loading = scheduler.load("a", { onLoadProgress: (p) => told.push(p) });
		await expect.poll(() => scheduler.listLoading()[0]?.progress.stage).toBe("weights");
		expect(scheduler.listLoading()).toEqual([{ id: "a", progress: expect.any(Object), elapsedMs: expect.any(Number) }]);
		await loading;
		expect(scheduler.listLoading()).toEqual([]);
		expect(told[0]).toEqual({ stage: "starting", fraction: 0 });
		expect(told.at(-1)).toEqual({ stage: "context", fraction: 0.85 });
		expect(told.map((p) => p.fraction)).toEqual([...told.map((p) => p.fraction)].sort((x, y) => x - y));
	});

	it("stops a load whose caller gives up", async () => {
		const { scheduler } = setup({}, { loadDelayMs: 500 });
		const controller = new AbortController();
		const loading = scheduler.load("a", { signal: controller.signal });
		await sleep(20);
		controller.abort(new Error("gave up"));
		await expect(loading).rejects.toThrow("gave up");
		expect(scheduler.list()).toEqual([]);
		expect(scheduler.listLoading()).toEqual([]);
	});
});

describe("the limit on models", () => {
	it("unloads the least recently used idle model to make room", async () => {
		const { engine, scheduler } = setup({ maxLoadedModels: 2 });
		await scheduler.load("a");
		await scheduler.load("b");
		await (await scheduler.chat("a", ASK)).generation; // a is now the more recent
		await scheduler.load("c");
		expect(ids(scheduler).sort()).toEqual(["a", "c"]);
		expect(engine.unloads).toEqual([{ id: "b", reason: "requested" }]);
		expect(
			engine
				.listLoaded()
				.map((m) => m.id)
				.sort(),
		).toEqual(["a", "c"]);
	});

	it("never unloads a model in use: the other request is told to retry in 5 s", async () => {
		const { scheduler } = setup();
		const busy = await scheduler.chat("a", LONG);
		const refused = await scheduler.load("b").catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(ServerBusyError);
		expect(refused).toMatchObject({ modelId: "a", retryAfterSeconds: 5 });
		expect(ids(scheduler)).toEqual(["a"]);
		await busy.generation;
		expect((await scheduler.load("b")).id).toBe("b");
		expect(ids(scheduler)).toEqual(["b"]);
	});

	it("counts a model being loaded against the limit", async () => {
		const { engine, scheduler } = setup({ maxLoadedModels: 1 }, { loadDelayMs: 300 });
		const a = scheduler.load("a");
		await sleep(5);
		await expect(scheduler.load("b")).rejects.toBeInstanceOf(ServerBusyError);
		await a;
		expect(engine.loads.map((l) => l.path)).toEqual(["/models/a.gguf"]);
	});
});

describe("the queue", () => {
	it("lets parallel requests generate and queueLimit more wait; past that, ServerBusyError with retry in 1 s", async () => {
		const { engine, scheduler } = setup({ parallel: 1, queueLimit: 2 }, { tokenDelayMs: 1 });
		const admitted = await Promise.all([1, 2, 3].map(() => scheduler.chat("a", { ...ASK, maxTokens: 5 })));
		const refused = await scheduler.chat("a", ASK).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(ServerBusyError);
		expect(refused).toMatchObject({ modelId: "a", retryAfterSeconds: 1 });
		expect(scheduler.list()[0].inFlight).toBe(3);
		const results = await Promise.all(admitted.map((a) => a.generation));
		expect(results.map((r) => r.stats.generatedTokens)).toEqual([5, 5, 5]);
		expect(scheduler.list()[0].inFlight).toBe(0);
		// Room again once they are done.
		await (await scheduler.chat("a", ASK)).generation;
		expect(engine.requests).toHaveLength(4);
	});

	it("admits as many requests as the model has sequences; each waiter is told its place as the queue moves", async () => {
		const { engine, scheduler } = setup({ parallel: 1, queueLimit: 5 }, { tokenDelayMs: 2 });
		const places: number[][] = [[], [], []];
		const scheduled = await Promise.all(
			[0, 1, 2].map((i) => scheduler.chat("a", { ...ASK, maxTokens: 5 }, { onQueued: (p) => places[i]?.push(p) })),
		);
		await sleep(3);
		expect(scheduler.list()[0]).toMatchObject({ inFlight: 3, queued: 2 });
		expect(engine.requests).toHaveLength(1); // the waiters wait here, not in the engine
		const results = await Promise.all(scheduled.map((s) => s.generation));
		expect(results.map((r) => r.stats.generatedTokens)).toEqual([5, 5, 5]);
		expect(places).toEqual([[], [1], [2, 1]]);
		expect(scheduler.list()[0]).toMatchObject({ inFlight: 0, queued: 0 });
	});

	it("lets a waiter that gives up leave: the ones behind move up, and the answer in progress goes on", async () => {
		const { scheduler } = setup({ parallel: 1, queueLimit: 5 }, { tokenDelayMs: 2 });
		const first = await scheduler.chat("a", { ...ASK, maxTokens: 20 });
		const leaving = new AbortController();
		const second = await scheduler.chat("a", ASK, { signal: leaving.signal });
		const third: number[] = [];
		const last = await scheduler.chat("a", ASK, { onQueued: (p) => third.push(p) });
		leaving.abort();
		expect(await second.generation).toMatchObject({ text: "", stats: { generatedTokens: 0, stopReason: "user_stopped" } });
		expect(third).toEqual([2, 1]);
		expect((await first.generation).stats.generatedTokens).toBe(20);
		expect((await last.generation).stats.generatedTokens).toBe(2);
	});

	it("counts requests waiting for a load in the queue", async () => {
		const { scheduler } = setup({ parallel: 1, queueLimit: 1 }, { loadDelayMs: 30 });
		const waiting = [scheduler.chat("a", ASK), scheduler.chat("a", ASK)];
		await expect(scheduler.chat("a", ASK)).rejects.toBeInstanceOf(ServerBusyError);
		for (const w of await Promise.all(waiting)) await w.generation;
	});

	it("counts a model in use while `use` runs, and releases it when the work fails", async () => {
		const { scheduler } = setup();
		await scheduler.use("a", {}, async (model) => {
			expect(model.id).toBe("a");
			expect(scheduler.list()[0]).toMatchObject({ inFlight: 1, idleMs: 0, expiresAt: undefined });
		});
		await expect(
			scheduler.use("a", {}, async () => {
				throw new Error("work failed");
			}),
		).rejects.toThrow("work failed");
		expect(scheduler.list()[0].inFlight).toBe(0);
	});
});

describe("time to live", () => {
	it("unloads a model its ttl after the last request ends, not while one runs", async () => {
		const { engine, scheduler, events } = setup({ ttlSeconds: 0.3 }, { tokenDelayMs: 40 });
		const answer = await scheduler.chat("a", { ...ASK, maxTokens: 10 });
		await sleep(350);
		expect(ids(scheduler)).toEqual(["a"]); // still answering, past its ttl
		expect(scheduler.list()[0]).toMatchObject({ inFlight: 1, expiresAt: undefined });
		await answer.generation;
		const [idle] = scheduler.list();
		expect(idle.expiresAt).toBeGreaterThan(Date.now());
		expect(idle.expiresAt).toBeLessThanOrEqual(Date.now() + 300);
		await sleep(450);
		expect(ids(scheduler)).toEqual([]);
		expect(engine.unloads).toEqual([{ id: "a", reason: "requested" }]);
		expect(events.at(-1)).toBe("unloaded a");
	});

	it("takes a request's ttl for the model from then on, and 0 unloads it once it is idle", async () => {
		const { scheduler } = setup({ ttlSeconds: 3600 });
		await scheduler.load("a", { ttlSeconds: 60 });
		expect(scheduler.list()[0].ttlSeconds).toBe(60);
		await (await scheduler.chat("a", ASK)).generation;
		expect(scheduler.list()[0].ttlSeconds).toBe(60);
		await (await scheduler.chat("a", ASK, { ttlSeconds: 0 })).generation;
		await sleep(20);
		expect(scheduler.list()).toEqual([]);
	});

	it("starts the idle time again with every request", async () => {
		const { scheduler } = setup({ ttlSeconds: 0.3 });
		await scheduler.load("a");
		for (let i = 0; i < 4; i++) {
			await sleep(100);
			await (await scheduler.chat("a", ASK)).generation;
		}
		expect(ids(scheduler)).toEqual(["a"]); // 400 ms after the load, kept by each request
		await sleep(450);
		expect(ids(scheduler)).toEqual([]);
	});
});

describe("unloading", () => {
	it("unloads by any identifier, and a model not loaded is no error", async () => {
		const { engine, scheduler } = setup();
		await scheduler.load("a");
		await scheduler.unload("short-a");
		expect(scheduler.list()).toEqual([]);
		expect(engine.listLoaded()).toEqual([]);
		await scheduler.unload("a");
		await expect(scheduler.unload("nope")).rejects.toBeInstanceOf(ModelNotFoundError);
	});

	it("unloads everything, waiting for loads under way", async () => {
		const { engine, scheduler } = setup({ maxLoadedModels: 2 }, { loadDelayMs: 300 });
		await scheduler.load("a");
		const b = scheduler.load("b");
		await sleep(5);
		await scheduler.unloadAll();
		await b;
		expect(scheduler.list()).toEqual([]);
		expect(engine.listLoaded()).toEqual([]);
	});

	it("forgets a model whose runner died, and loads it again for the next request", async () => {
		const { engine, scheduler } = setup();
		const answer = await scheduler.chat("a", LONG);
		engine.crash("a");
		await expect(answer.generation).rejects.toThrow(/SIGKILL/);
		expect(scheduler.list()).toEqual([]);
		const again = await scheduler.chat("a", ASK);
		expect((await again.generation).stats.generatedTokens).toBe(2);
		expect(engine.loads).toHaveLength(2);
		expect(engine.unloads).toEqual([{ id: "a", reason: "crashed" }]);
	});
});
