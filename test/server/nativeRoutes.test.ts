import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HearthApiError, HearthClient } from "../../src/api/HearthClient.js";
import type { NativeChatEvent } from "../../src/api/native/NativeChat.js";
import type { LoadingModelView } from "../../src/api/native/NativeModels.js";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The native API (/hearth/models, /hearth/chat) through its typed client, on the fake engine.
let server: FakeServer;
let client: HearthClient;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];

beforeAll(async () => {
	server = await startFakeServer();
	client = new HearthClient(server.url);
});
afterAll(() => server.close());

const chatEvents = async (request: Parameters<HearthClient["chat"]>[0]) => {
	const events: NativeChatEvent[] = [];
	for await (const event of client.chat(request)) events.push(event);
	return events;
};

describe("models", () => {
	it("lists local models with fit and load state", async () => {
		const models = await client.models();
		expect(models.find((m) => m.key === PHI3_KEY)).toMatchObject({
			source: "hearth",
			architecture: "phi3",
			quantization: "Q8_0",
			contextLength: 4096,
			fit: "fits_without_gpu",
			deletable: true,
			loaded: false,
		});
		expect(models.find((m) => m.key === LLAMA_KEY)).toMatchObject({ architecture: "llama", quantization: "Q4_0" });
		await client.load({ model: PHI3_KEY });
		expect((await client.models()).find((m) => m.key === PHI3_KEY)?.loaded).toBe(true);
		await client.unload({ all: true });
	});

	it("loads by short name with the settings asked for, lists it loaded, and unloads it", async () => {
		const loaded = await client.load({
			model: "phi-3-mini-4k-instruct-q4",
			contextLength: 1024,
			parallel: 2,
			threads: 3,
			ttlSeconds: 60,
		});
		expect(loaded).toMatchObject({ id: PHI3_KEY, contextLength: 1024, parallel: 2, threads: 3, ttlSeconds: 60, inFlight: 0 });
		expect(server.engine.loads.at(-1)?.options).toMatchObject({ id: PHI3_KEY, contextLength: 1024, parallel: 2, threads: 3 });
		const [view] = await client.loaded();
		expect(view).toMatchObject({ id: PHI3_KEY, contextLength: 1024, template: { source: "gguf" }, pid: expect.any(Number) });
		expect(view.expiresAt).toBeGreaterThan(Date.now() + 50_000);
		expect((await client.status()).loaded.map((m) => m.id)).toEqual([PHI3_KEY]);
		expect(await client.unload({ model: PHI3_KEY })).toEqual({ unloaded: [PHI3_KEY] });
		expect(await client.loaded()).toEqual([]);
		expect(server.engine.listLoaded()).toEqual([]);
	});

	it("lists a model as loading, with its stage and progress, until it is loaded", async () => {
		await server.engine.with({ loadDelayMs: 300 }, async () => {
			const loading = client.load({ model: "phi-3-mini-4k-instruct-q4" });
			const seen: LoadingModelView[] = [];
			let settled = false;
			void loading.finally(() => {
				settled = true;
			});
			while (!settled) {
				seen.push(...(await client.loading()));
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			expect((await loading).id).toBe(PHI3_KEY);
			expect(seen.length).toBeGreaterThan(2);
			for (const entry of seen) {
				expect(entry.id).toBe(PHI3_KEY);
				expect(["starting", "weights", "context"]).toContain(entry.progress.stage);
				expect(entry.progress.fraction).toBeGreaterThanOrEqual(0);
				expect(entry.progress.fraction).toBeLessThanOrEqual(1);
				expect(entry.elapsedMs).toBeGreaterThanOrEqual(0);
			}
			const fractions = seen.map((e) => e.progress.fraction);
			expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
			expect(new Set(seen.map((e) => e.progress.stage)).has("weights")).toBe(true);
			expect(await client.loading()).toEqual([]);
		});
		await client.unload({ all: true });
	});

	it("reports API errors with status and code", async () => {
		const error = await client.load({ model: "no-such-model" }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HearthApiError);
		expect(error).toMatchObject({ status: 404, code: "model_not_found" });
		await expect(client.unload({ model: LLAMA_KEY })).rejects.toMatchObject({ status: 404, code: "model_not_loaded" });
		await expect(client.load({ model: PHI3_KEY, contextLength: 1 })).rejects.toMatchObject({
			status: 400,
			code: "invalid_request",
		});
		await server.engine.with({ failLoad: /tiny-llama/ }, async () => {
			await expect(client.load({ model: LLAMA_KEY })).rejects.toMatchObject({ status: 500, code: "model_load_failed" });
		});
		expect(await client.loading()).toEqual([]);
	});
});

describe("chat", () => {
	it("chats as events: start, fragments, then the result with stats", async () => {
		const events = await chatEvents({ model: "phi-3-mini-4k-instruct-q4", messages: QUESTION, maxTokens: 8, seed: 2 });
		expect(events[0]).toMatchObject({ type: "start", model: PHI3_KEY, contextLength: 4096 });
		const done = events.at(-1);
		expect(done?.type).toBe("done");
		const fragments = events.filter((e) => e.type === "fragment").map((e) => (e as { text: string }).text);
		expect(fragments).toHaveLength(8);
		expect(done && "text" in done && done.text).toBe(fragments.join(""));
		expect(done && "stats" in done && done.stats).toMatchObject({
			promptTokens: 7,
			generatedTokens: 8,
			stopReason: "max_tokens",
			seed: 2,
			truncatedPromptTokens: 0,
		});
		expect(server.engine.requests.at(-1)?.request).toMatchObject({ messages: QUESTION, maxTokens: 8, seed: 2 });
	});

	it("says how long the request spent loading the model: only the request that loaded it", async () => {
		await client.unload({ all: true });
		const [first] = await chatEvents({ model: PHI3_KEY, messages: QUESTION, maxTokens: 1 });
		expect(first).toMatchObject({ type: "start" });
		expect(first.type === "start" && first.loadMs).toBeGreaterThan(0);
		const [second] = await chatEvents({ model: PHI3_KEY, messages: QUESTION, maxTokens: 1 });
		expect(second).toEqual({ type: "start", model: PHI3_KEY, contextLength: 4096, loadMs: 0 });
	});

	it("gives a request that fails before its first event a real status, and one that fails later an error event", async () => {
		await expect(chatEvents({ model: "no-such-model", messages: QUESTION })).rejects.toMatchObject({
			status: 404,
			code: "model_not_found",
		});
		await server.engine.with(
			{
				failGeneration: (prompt, generated) => {
					if (prompt.includes("crash here") && generated === 2) server.engine.crash(PHI3_KEY);
					return undefined;
				},
			},
			async () => {
				const events = await chatEvents({ model: PHI3_KEY, messages: [{ role: "user", content: "crash here" }], maxTokens: 8 });
				expect(events.map((e) => e.type)).toEqual(["start", "fragment", "fragment", "error"]);
				expect(events.at(-1)).toEqual({
					type: "error",
					error: { message: expect.stringContaining("SIGKILL"), code: "runner_exited" },
				});
			},
		);
	});

	it("truncates a long history only when asked, and says how many tokens went", async () => {
		const long = Array.from({ length: 5000 }, () => "island").join(" ");
		const messages = [
			{ role: "user" as const, content: long },
			{ role: "assistant" as const, content: "yes" },
			{ role: "user" as const, content: "where is taiwan" },
		];
		await expect(chatEvents({ model: PHI3_KEY, messages, maxTokens: 2 })).rejects.toMatchObject({
			status: 400,
			code: "context_length_exceeded",
		});
		const events = await chatEvents({ model: PHI3_KEY, messages, maxTokens: 2, contextOverflowPolicy: "rollingWindow" });
		const done = events.at(-1);
		// The oldest message goes (<|user|>, 5000 words, <|end|>); the rest fits.
		expect(done?.type === "done" && done.stats).toMatchObject({ promptTokens: 10, truncatedPromptTokens: 5002 });
	});
});

describe("model defaults", () => {
	it("saves load settings as a model's defaults and uses them for just-in-time loads", async () => {
		const own = await startFakeServer();
		try {
			const api = new HearthClient(own.url);
			const loaded = await api.load({ model: PHI3_KEY, contextLength: 512, parallel: 2, saveAsDefaults: true });
			expect(loaded).toMatchObject({ contextLength: 512, parallel: 2 });
			expect((await api.models()).find((m) => m.key === PHI3_KEY)?.defaults).toEqual({ contextLength: 512, parallel: 2 });
			expect((await api.models()).find((m) => m.key === LLAMA_KEY)?.defaults).toBeUndefined();
			await api.unload({ all: true });
			// A chat loads the model on demand, with its saved defaults.
			for await (const _ of api.chat({ model: PHI3_KEY, messages: [{ role: "user", content: "hi" }], maxTokens: 1 }));
			expect((await api.loaded()).map((m) => [m.id, m.contextLength, m.parallel])).toEqual([[PHI3_KEY, 512, 2]]);
			expect(own.engine.loads.at(-1)?.options).toMatchObject({ contextLength: 512, parallel: 2 });
		} finally {
			await own.close();
		}
	});
});
