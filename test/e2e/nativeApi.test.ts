import { statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HearthApiError, HearthClient } from "../../src/api/HearthClient.js";
import type { NativeChatEvent } from "../../src/api/native/NativeChat.js";
import type { LoadingModelView } from "../../src/api/native/NativeModels.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";
import { PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";

let server: RunningServer;
let hub: FakeHub;
let client: HearthClient;

beforeAll(async () => {
	hub = await startFakeHub();
	server = await startServer({ port: 0, env: await serverHome({ HF_ENDPOINT: hub.url }), print: () => {} });
	client = new HearthClient(server.url);
});
afterAll(async () => {
	await server.close();
	await hub.stop();
});

describe("the native API through its typed client", () => {
	it("lists local models with fit and load state", async () => {
		const models = await client.models();
		expect(models.find((m) => m.key === PHI3_KEY)).toMatchObject({
			source: "hearth",
			architecture: "phi3",
			quantization: "Q8_0",
			fit: "fits_without_gpu",
			loaded: false,
		});
	});

	it("searches the hub and lists a repo's files with fit, recommendation and download state", async () => {
		expect((await client.searchHub("phi-3")).map((m) => m.id)).toContain(PHI3_REPO);
		const files = await client.repoFiles(PHI3_REPO);
		expect(files.header).toMatchObject({ architecture: "phi3", contextLength: 4096 });
		// The model card, summarised to plain text: no badges, HTML or headings.
		expect(files.card).toEqual({
			license: "mit",
			downloads: 500_000,
			likes: 480,
			updatedAt: "2024-07-02T00:00:00.000Z",
			summary:
				"This repo provides the GGUF format for the Phi-3-Mini-4K-Instruct, a 3.8B parameters, lightweight, state-of-the-art open model trained with the Phi-3 datasets.",
		});
		const noReadme = (await client.repoFiles("someone/phi-3-medium-GGUF")).card;
		expect(noReadme?.likes).toBe(2000);
		expect(noReadme?.summary).toBeUndefined();
		expect(files.files.map((f) => [f.quantization, f.fit, f.recommended, f.downloaded])).toEqual([
			["Q4", "fits_without_gpu", true, true], // the server's store already has it
			["FP16", "fits_without_gpu", false, false],
		]);
	});

	it("downloads with progress events, and the model appears in the store", async () => {
		const controller = new AbortController();
		const events = client.downloadEvents(controller.signal);
		const started = await client.download({ repo: PHI3_REPO, quant: "FP16" });
		expect(started).toMatchObject({ repo: PHI3_REPO, file: "Phi-3-mini-4k-instruct-fp16.gguf", state: "downloading" });
		let last: { state: string; bytes: number; totalBytes: number; key?: string } | undefined;
		for await (const event of events) {
			if (event.id !== started.id) continue;
			last = event;
			if (event.state !== "downloading") break;
		}
		controller.abort();
		expect(last).toMatchObject({ state: "done", key: `${PHI3_REPO}/Phi-3-mini-4k-instruct-fp16.gguf` });
		expect(last?.bytes).toBe(last?.totalBytes);
		expect((await client.models()).map((m) => m.key)).toContain(`${PHI3_REPO}/Phi-3-mini-4k-instruct-fp16.gguf`);
		expect((await client.repoFiles(PHI3_REPO)).files.find((f) => f.quantization === "FP16")?.downloaded).toBe(true);
		await client.deleteModel(`${PHI3_REPO}/Phi-3-mini-4k-instruct-fp16.gguf`);
		expect((await client.models()).map((m) => m.key)).not.toContain(`${PHI3_REPO}/Phi-3-mini-4k-instruct-fp16.gguf`);
	});

	it("cancels a download, keeps it as paused, also across a restart, and resumes it", async () => {
		const env = await serverHome({ HF_ENDPOINT: hub.url });
		let own = await startServer({ port: 0, env, print: () => {} });
		hub.faults.set("*", { bytesPerSecond: 20_000 });
		try {
			let api = new HearthClient(own.url);
			const job = await api.download({ repo: PHI3_REPO, quant: "FP16" });
			// Cancel once some bytes are on disk.
			await expect
				.poll(async () => (await api.downloads()).find((d) => d.id === job.id)?.bytes ?? 0, { timeout: 10_000 })
				.toBeGreaterThan(0);
			await api.cancelDownload(job.id);
			const paused = async () =>
				(await api.downloads()).find((d) => d.file === "Phi-3-mini-4k-instruct-fp16.gguf" && d.state === "paused");
			await expect.poll(paused).toMatchObject({ repo: PHI3_REPO, state: "paused" });
			await own.close();
			own = await startServer({ port: 0, env, print: () => {} });
			api = new HearthClient(own.url);
			const afterRestart = await paused();
			expect(afterRestart?.bytes).toBeGreaterThan(0);
			hub.faults.clear();
			const resumed = await api.download({ repo: PHI3_REPO, file: "Phi-3-mini-4k-instruct-fp16.gguf" });
			await expect
				.poll(async () => (await api.downloads()).find((d) => d.id === resumed.id)?.state, { timeout: 10_000 })
				.toBe("done");
			expect(await paused()).toBeUndefined();
			const resumedRange = hub.requests.filter(
				(r) => r.path.startsWith("/blobs/") && r.range === `bytes=${afterRestart?.bytes}-`,
			);
			expect(resumedRange.length).toBeGreaterThan(0);
		} finally {
			hub.faults.clear();
			await own.close();
		}
	});

	it("lists a model as loading, with its stage and progress, until it is loaded", async () => {
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
		expect(seen.length).toBeGreaterThan(0);
		for (const entry of seen) {
			expect(entry.id).toBe(PHI3_KEY);
			expect(["starting", "weights", "context"]).toContain(entry.progress.stage);
			expect(entry.progress.fraction).toBeGreaterThanOrEqual(0);
			expect(entry.progress.fraction).toBeLessThanOrEqual(1);
		}
		const fractions = seen.map((e) => e.progress.fraction);
		expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
		expect(await client.loading()).toEqual([]);
	});

	it("chats as events: start, fragments, then the result with stats", async () => {
		const events: NativeChatEvent[] = [];
		for await (const event of client.chat({
			model: "phi-3-mini-4k-instruct-q4",
			messages: [{ role: "user", content: "where is taiwan" }],
			maxTokens: 8,
			seed: 2,
		}))
			events.push(event);
		expect(events[0]).toMatchObject({ type: "start", model: PHI3_KEY, contextLength: 4096 });
		const done = events.at(-1);
		expect(done?.type).toBe("done");
		const fragments = events.filter((e) => e.type === "fragment").map((e) => (e as { text: string }).text);
		expect(done && "text" in done && done.text).toBe(fragments.join(""));
		expect(done && "stats" in done && done.stats).toMatchObject({ generatedTokens: 8, stopReason: "max_tokens", seed: 2 });
	});

	it("reports API errors with status and code", async () => {
		const error = await client.load({ model: "no-such-model" }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HearthApiError);
		expect(error).toMatchObject({ status: 404, code: "model_not_found" });
	});
});

describe("conversations", () => {
	it("are stored in SQLite and survive a server restart", async () => {
		const env = await serverHome();
		let first: RunningServer | undefined = await startServer({ port: 0, env, print: () => {} });
		try {
			const api = new HearthClient(first.url);
			const chat = await api.createChat({ title: "Taiwan", model: PHI3_KEY, systemPrompt: "Be brief." });
			const question = await api.appendMessage(chat.id, { role: "user", content: "where is taiwan" });
			await api.appendMessage(chat.id, {
				role: "assistant",
				content: "East Asia",
				stats: {
					promptTokens: 9,
					generatedTokens: 3,
					timeToFirstTokenMs: 40,
					tokensPerSecond: 30,
					totalMs: 140,
					stopReason: "eos",
					seed: 1,
					truncatedPromptTokens: 0,
					cachedPromptTokens: 0,
				},
			});
			await first.close();
			first = await startServer({ port: 0, env, print: () => {} });
			const again = new HearthClient(first.url);
			const { conversation, messages } = await again.chatWithMessages(chat.id);
			expect(conversation).toMatchObject({ title: "Taiwan", model: PHI3_KEY, systemPrompt: "Be brief." });
			expect(messages.map((m) => m.content)).toEqual(["where is taiwan", "East Asia"]);
			expect(messages[1].stats?.stopReason).toBe("eos");

			expect((await again.chats("taiwan")).map((c) => c.id)).toEqual([chat.id]);
			await again.updateChat(chat.id, { title: "Islands" });
			const branch = await again.branchChat(chat.id, question.id);
			expect((await again.chatWithMessages(branch.id)).messages.map((m) => m.content)).toEqual(["where is taiwan"]);
			expect((await again.rewriteMessage(chat.id, question.id, "where is japan")).map((m) => m.content)).toEqual([
				"where is japan",
			]);
			const imported = await again.importChat(await again.exportChat(chat.id));
			expect((await again.chats()).map((c) => c.id)).toEqual(expect.arrayContaining([chat.id, branch.id, imported.id]));
			await again.deleteChat(chat.id);
			await expect(again.chatWithMessages(chat.id)).rejects.toMatchObject({ status: 404, code: "conversation_not_found" });
		} finally {
			await first?.close();
		}
	});
});

describe("model defaults", () => {
	it("saves load settings as a model's defaults and uses them for just-in-time loads", async () => {
		const env = await serverHome();
		const own = await startServer({ port: 0, env, print: () => {} });
		try {
			const api = new HearthClient(own.url);
			const loaded = await api.load({ model: PHI3_KEY, contextLength: 512, parallel: 2, saveAsDefaults: true });
			expect(loaded).toMatchObject({ contextLength: 512, parallel: 2 });
			expect((await api.models()).find((m) => m.key === PHI3_KEY)?.defaults).toEqual({ contextLength: 512, parallel: 2 });
			await api.unload({ all: true });
			// A chat loads the model on demand, with its saved defaults.
			for await (const _ of api.chat({ model: PHI3_KEY, messages: [{ role: "user", content: "hi" }], maxTokens: 1 }));
			expect((await api.loaded()).map((m) => [m.id, m.contextLength, m.parallel])).toEqual([[PHI3_KEY, 512, 2]]);
		} finally {
			await own.close();
		}
	});
});

describe("server settings", () => {
	const freePort = () =>
		new Promise<number>((resolve) => {
			const probe = createServer().listen(0, "127.0.0.1", () => {
				const { port } = probe.address() as AddressInfo;
				probe.close(() => resolve(port));
			});
		});

	it("saves port, API key and CORS in config.json, refuses bad values and locked ones, and the next start uses them", async () => {
		const env = await serverHome();
		const home = env.HEARTH_HOME as string;
		const [firstPort, nextPort] = [await freePort(), await freePort()];
		writeFileSync(join(home, "config.json"), JSON.stringify({ port: firstPort }));
		let own = await startServer({ env, print: () => {} });
		try {
			expect(own.url).toBe(`http://127.0.0.1:${firstPort}`); // config.json's port
			let api = new HearthClient(own.url);
			expect(await api.settings()).toMatchObject({ lockedBy: {}, restartRequired: false, active: { apiKeySet: false } });

			await expect(api.updateSettings({ apiKey: "short" })).rejects.toMatchObject({ status: 400 });
			await expect(api.updateSettings({ cors: ["http://localhost:5173/app"] })).rejects.toMatchObject({ status: 400 });
			await expect(api.updateSettings({ port: 70_000 })).rejects.toMatchObject({ status: 400 });
			const saved = await api.updateSettings({ port: nextPort, apiKey: "secret-key-1", cors: ["http://localhost:5173"] });
			expect(saved).toMatchObject({
				restartRequired: true,
				active: { port: firstPort, apiKeySet: false, corsOrigins: [] },
				next: { port: nextPort, apiKeySet: true, corsOrigins: ["http://localhost:5173"] },
			});
			expect(statSync(join(home, "config.json")).mode & 0o777).toBe(0o600);
			// Nothing changes before a restart.
			expect((await fetch(`${own.url}/hearth/models`)).status).toBe(200);
			await own.close();

			own = await startServer({ env, print: () => {} });
			expect(own.url).toBe(`http://127.0.0.1:${nextPort}`);
			expect((await fetch(`${own.url}/hearth/models`)).status).toBe(401);
			const cors = await fetch(`${own.url}/health`, { headers: { origin: "http://localhost:5173" } });
			expect(cors.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
			api = new HearthClient(own.url, () => "secret-key-1");
			expect(await api.settings()).toMatchObject({ restartRequired: false, active: { port: nextPort, apiKeySet: true } });
			expect(await api.updateSettings({ apiKey: null })).toMatchObject({ restartRequired: true, next: { apiKeySet: false } });
		} finally {
			await own.close();
		}
	});

	it("refuses to save a setting a flag or the environment fixes, naming which", async () => {
		const own = await startServer({
			port: 0,
			env: await serverHome({ HEARTH_API_KEY: "from-the-environment" }),
			print: () => {},
		});
		try {
			const api = new HearthClient(own.url, "from-the-environment");
			expect((await api.settings()).lockedBy).toEqual({ port: "--port", apiKey: "HEARTH_API_KEY" });
			const error = await api.updateSettings({ port: 4321 }).catch((e: unknown) => e);
			expect(error).toMatchObject({ status: 409, code: "setting_locked" });
			expect((error as Error).message).toBe("port is set by --port, which wins over config.json; change it there");
			await expect(api.updateSettings({ apiKey: "another-key" })).rejects.toMatchObject({ status: 409 });
			expect(await api.updateSettings({ cors: ["*"] })).toMatchObject({ next: { corsOrigins: ["*"] }, restartRequired: true });
		} finally {
			await own.close();
		}
	});
});
