import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import type { NativeChatEvent } from "../../src/api/native/NativeChat.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { isAlive } from "../fixtures/isAlive.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";

// The native API's chat on a real generated GGUF: a model in its own runner process, loaded,
// answering as events, then unloaded. The API's details are in test/server/nativeRoutes.
let server: RunningServer;
let client: HearthClient;

beforeAll(async () => {
	server = await startServer({ port: 0, env: await serverHome(), print: () => {} });
	client = new HearthClient(server.url);
});
afterAll(() => server.close());

const alive = isAlive;

describe("the native API through its typed client, on a real model", () => {
	it("loads a model into a runner process, chats as events with llama.cpp's stats, and unloads it", async () => {
		expect((await client.models()).find((m) => m.key === PHI3_KEY)).toMatchObject({ fit: "fits_without_gpu", loaded: false });
		const loaded = await client.load({ model: "phi-3-mini-4k-instruct-q4" });
		expect(loaded).toMatchObject({ id: PHI3_KEY, contextLength: 4096, template: { source: "gguf", wrapper: "JinjaTemplate" } });
		expect(loaded.pid).not.toBe(process.pid);
		expect(alive(loaded.pid)).toBe(true);
		const [view] = await client.loaded();
		expect(view.memoryBytes).toBeGreaterThan(1_000_000); // the runner's resident memory
		expect((await client.status()).system.engine.name).toContain("llama.cpp");

		const events: NativeChatEvent[] = [];
		for await (const event of client.chat({
			model: PHI3_KEY,
			messages: [{ role: "user", content: "where is taiwan" }],
			maxTokens: 8,
			seed: 2,
		}))
			events.push(event);
		expect(events[0]).toEqual({ type: "start", model: PHI3_KEY, contextLength: 4096, loadMs: 0 });
		const done = events.at(-1);
		expect(done?.type).toBe("done");
		const fragments = events.filter((e) => e.type === "fragment").map((e) => (e as { text: string }).text);
		expect(fragments.length).toBeGreaterThan(0);
		expect(done && "text" in done && done.text).toBe(fragments.join(""));
		expect(done && "stats" in done && done.stats).toMatchObject({
			promptTokens: 11,
			generatedTokens: 8,
			stopReason: "max_tokens",
			seed: 2,
		});
		const stats = done && "stats" in done ? done.stats : undefined;
		expect(stats?.timeToFirstTokenMs).toBeGreaterThan(0);
		expect(stats?.tokensPerSecond).toBeGreaterThan(0);

		expect(await client.unload({ model: PHI3_KEY })).toEqual({ unloaded: [PHI3_KEY] });
		await expect.poll(() => alive(loaded.pid), { timeout: 5000 }).toBe(false);
		expect(await client.loaded()).toEqual([]);
	});
});
