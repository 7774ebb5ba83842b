import { existsSync } from "node:fs";
import { join } from "node:path";
import { Ollama } from "ollama";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest, CompletionRequest } from "../../src/engine/Engine.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { startFakeHub } from "../fixtures/startFakeHub.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { ndjsonLines } from "../fixtures/wire/wireShape.js";

// The Ollama dialect on the fake engine, through the ollama npm client and on the wire.
let server: FakeServer;
let hub: FakeHub;
let ollama: Ollama;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
/** The fake tokenizer's count for QUESTION: <s>, <|user|>, three words, <|end|>, <|assistant|>. */
const QUESTION_TOKENS = 7;

beforeAll(async () => {
	hub = await startFakeHub();
	server = await startFakeServer({ env: { HF_ENDPOINT: hub.url } });
	ollama = new Ollama({ host: server.url });
});
afterAll(async () => {
	await server.close();
	await hub.stop();
});

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const lastRequest = () => server.engine.requests.at(-1)?.request as ChatRequest & CompletionRequest;
// Ollama's name:tag forms of the two models (Hearth's keys keep working in requests).
const PHI3_NAME = "hf.co/microsoft/Phi-3-mini-4k-instruct-gguf:Q8_0";
const LLAMA_NAME = "local/tiny-llama:Q4_0";
const psNames = async () => (await ollama.ps()).models.map((m) => m.name);

describe("the ollama npm client", () => {
	it("chats, streaming and not, with Ollama's final timings", async () => {
		const whole = await ollama.chat({
			model: PHI3_KEY,
			messages: QUESTION,
			stream: false,
			options: { seed: 4, num_predict: 10 },
		});
		expect(lastRequest()).toMatchObject({ messages: QUESTION, seed: 4, maxTokens: 10 });
		expect(whole.model).toBe(PHI3_KEY);
		expect(whole.message.role).toBe("assistant");
		expect(whole.message.content.length).toBeGreaterThan(0);
		expect(whole).toMatchObject({ done: true, done_reason: "length", eval_count: 10, prompt_eval_count: QUESTION_TOKENS });
		for (const key of ["total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_duration"] as const)
			expect(typeof whole[key]).toBe("number");
		expect(whole.total_duration).toBeGreaterThan(whole.eval_duration);
		expect(Number.isNaN(Date.parse(String(whole.created_at)))).toBe(false);

		const parts = await ollama.chat({ model: PHI3_KEY, messages: QUESTION, stream: true, options: { seed: 4, num_predict: 10 } });
		let text = "";
		let last: { done: boolean; done_reason?: string; eval_count?: number } | undefined;
		for await (const part of parts) {
			text += part.message.content;
			last = part;
		}
		expect(text).toBe(whole.message.content);
		expect(last).toMatchObject({ done: true, done_reason: "length", eval_count: 10 });
	});

	it("hands Ollama's options to the engine in its words: -1 means no limit, a negative seed a random one", async () => {
		await ollama.chat({
			model: PHI3_KEY,
			messages: QUESTION,
			stream: false,
			options: {
				temperature: 0.5,
				top_k: 20,
				top_p: 0.9,
				min_p: 0.1,
				repeat_penalty: 1.2,
				presence_penalty: 0.3,
				frequency_penalty: 0.4,
				stop: ["sea"],
				seed: 9,
				num_predict: 3,
			},
		});
		expect(lastRequest()).toMatchObject({
			temperature: 0.5,
			topK: 20,
			topP: 0.9,
			minP: 0.1,
			repeatPenalty: 1.2,
			presencePenalty: 0.3,
			frequencyPenalty: 0.4,
			stop: ["sea"],
			seed: 9,
			maxTokens: 3,
		});
		await post("/api/chat", {
			model: PHI3_KEY,
			messages: QUESTION,
			stream: false,
			options: { num_predict: -1, seed: -1, stop: "x" },
		});
		expect(lastRequest()).toMatchObject({ maxTokens: undefined, seed: undefined, stop: ["x"] });
		await post("/api/chat", { model: PHI3_KEY, messages: QUESTION, stream: false, format: "json", options: { num_predict: 1 } });
		expect(lastRequest().format).toEqual({ type: "json" });
		const schema = { type: "object", properties: { a: { type: "number" } } };
		await post("/api/generate", { model: PHI3_KEY, prompt: "hi", stream: false, format: schema, options: { num_predict: 1 } });
		expect(lastRequest().format).toEqual({ type: "json_schema", schema });
	});

	it("generates from a prompt in the model's template, with its system prompt, or raw", async () => {
		const templated = await ollama.generate({
			model: PHI3_KEY,
			prompt: "where is taiwan",
			stream: false,
			options: { seed: 4, num_predict: 10 },
		});
		expect(server.engine.requests.at(-1)).toMatchObject({ kind: "chat", request: { messages: QUESTION } });
		const chat = await ollama.chat({ model: PHI3_KEY, messages: QUESTION, stream: false, options: { seed: 4, num_predict: 10 } });
		expect(templated.response).toBe(chat.message.content);
		expect(templated).toMatchObject({ done: true, done_reason: "length", eval_count: 10 });
		await ollama.generate({
			model: PHI3_KEY,
			prompt: "where is taiwan",
			system: "Be brief.",
			stream: false,
			options: { num_predict: 1 },
		});
		expect(lastRequest().messages).toEqual([{ role: "system", content: "Be brief." }, ...QUESTION]);
		const raw = await ollama.generate({
			model: PHI3_KEY,
			prompt: "The island of",
			raw: true,
			stream: false,
			options: { num_predict: 5 },
		});
		expect(server.engine.requests.at(-1)).toMatchObject({ kind: "completion", request: { prompt: "The island of" } });
		expect(raw.eval_count).toBe(5);
		expect(raw.prompt_eval_count).toBe(4);
	});

	it("lists tags, shows a model, and embeds", async () => {
		const tags = await ollama.list();
		const phi3 = tags.models.find((m) => m.name === PHI3_NAME);
		expect(phi3).toMatchObject({ model: PHI3_NAME, size: expect.any(Number) });
		// The file's sha256, its mtime, and the real parameter count (the tiny model has 209 K).
		expect(phi3?.digest).toMatch(/^[0-9a-f]{64}$/);
		expect(Date.parse(String(phi3?.modified_at))).toBeGreaterThan(Date.parse("2020-01-01"));
		expect(phi3?.details.parameter_size).toBe("209.3K");
		expect(phi3?.details).toMatchObject({ format: "gguf", family: "phi3", families: ["phi3"], quantization_level: "Q8_0" });
		expect(tags.models.find((m) => m.name === LLAMA_NAME)?.details).toMatchObject({
			family: "llama",
			quantization_level: "Q4_0",
		});
		const show = await ollama.show({ model: "phi-3-mini-4k-instruct-q4" });
		expect(show.template).toContain("<|assistant|>");
		expect(show.details).toMatchObject({ format: "gguf", family: "phi3" });
		expect((show.model_info as unknown as Record<string, unknown>)["phi3.context_length"]).toBe(4096);
		expect((show.model_info as unknown as Record<string, unknown>)["general.architecture"]).toBe("phi3");
		const embed = await ollama.embed({ model: PHI3_KEY, input: ["where is taiwan", "hello"] });
		expect(embed.embeddings).toHaveLength(2);
		expect(embed.embeddings[0]).toHaveLength(8); // the fake model's width
		expect(embed.embeddings[0]).not.toEqual(embed.embeddings[1]);
		expect((embed as unknown as { prompt_eval_count: number }).prompt_eval_count).toBe(3 + 1);
		expect((await ollama.embed({ model: PHI3_KEY, input: "hello" })).embeddings).toEqual([embed.embeddings[1]]);
		// The legacy /api/embeddings (`prompt` → `embedding`), under the name:tag /api/tags gave.
		const legacy = await ollama.embeddings({ model: PHI3_NAME, prompt: "hello" });
		expect(legacy.embedding).toEqual(embed.embeddings[1]);
	});

	it("reports loaded models in ps, an empty prompt loads, and keep_alive 0 unloads at once", async () => {
		await ollama.generate({ model: LLAMA_KEY, prompt: "hi", stream: false, options: { num_predict: 1 } });
		expect(await psNames()).toContain(LLAMA_NAME);
		const ps = (await ollama.ps()).models.find((m) => m.name === LLAMA_NAME);
		expect(ps).toMatchObject({ size_vram: 0, details: { family: "llama" } });
		expect(Date.parse(String(ps?.expires_at))).toBeGreaterThan(Date.now());
		const unloaded = await ollama.generate({ model: LLAMA_KEY, prompt: "", keep_alive: 0 });
		expect(unloaded).toMatchObject({ done: true, done_reason: "unload", response: "" });
		expect(await psNames()).not.toContain(LLAMA_NAME);
		const loaded = await ollama.generate({ model: LLAMA_KEY, prompt: "", keep_alive: "10m" });
		expect(loaded.done_reason).toBe("load");
		const expires = Date.parse(String((await ollama.ps()).models.find((m) => m.name === LLAMA_NAME)?.expires_at));
		expect(Math.abs(expires - (Date.now() + 600_000))).toBeLessThan(5_000);
		const emptyChat = await ollama.chat({ model: LLAMA_KEY, messages: [], keep_alive: 0 });
		expect(emptyChat).toMatchObject({ done: true, done_reason: "unload", message: { role: "assistant", content: "" } });
		expect(await psNames()).not.toContain(LLAMA_NAME);
		await ollama.chat({ model: LLAMA_KEY, messages: QUESTION, keep_alive: 0, stream: false, options: { num_predict: 2 } });
		await expect.poll(psNames, { timeout: 1000 }).not.toContain(LLAMA_NAME);
	});

	it("loads a model again with num_ctx's context and num_thread's threads", async () => {
		await ollama.generate({
			model: LLAMA_KEY,
			prompt: "hi",
			stream: false,
			options: { num_predict: 1, num_ctx: 2048, num_thread: 2 },
		});
		expect(server.engine.loads.at(-1)).toMatchObject({ options: { contextLength: 2048, threads: 2 } });
		expect((await ollama.ps()).models.find((m) => m.name === LLAMA_NAME)).toMatchObject({ context_length: 2048 });
		await ollama.generate({ model: LLAMA_KEY, prompt: "hi", stream: false, options: { num_predict: 1, num_ctx: 1024 } });
		expect((await ollama.ps()).models.find((m) => m.name === LLAMA_NAME)).toMatchObject({ context_length: 1024 });
		await ollama.generate({ model: LLAMA_KEY, prompt: "", keep_alive: 0 });
	});

	it("pulls from the hub with Ollama's progress statuses, then deletes", async () => {
		const statuses: string[] = [];
		let completed = 0;
		for await (const progress of await ollama.pull({ model: "hf.co/bartowski/Tiny-Llama-GGUF:Q8_0", stream: true })) {
			statuses.push(progress.status);
			if (progress.completed) completed = progress.completed;
		}
		expect(statuses[0]).toBe("pulling manifest");
		expect(statuses.some((s) => s.startsWith("pulling ") && s !== "pulling manifest")).toBe(true);
		expect(statuses.slice(-3)).toEqual(["verifying sha256 digest", "writing manifest", "success"]);
		expect(completed).toBeGreaterThan(0);
		// Listed under the name it was pulled by, as Ollama lists it, and deleted by it.
		const key = "bartowski/Tiny-Llama-GGUF/Tiny-Llama-Q8_0.gguf";
		const name = "hf.co/bartowski/Tiny-Llama-GGUF:Q8_0";
		expect((await ollama.list()).models.map((m) => m.name)).toContain(name);
		await ollama.delete({ model: name });
		expect(existsSync(join(server.env.HEARTH_HOME as string, "models", key))).toBe(false);
		expect((await ollama.list()).models.map((m) => m.name)).not.toContain(name);
		await expect(ollama.delete({ model: name })).rejects.toThrow(/not found/);
	});

	it("answers /api/version", async () => {
		expect(await ollama.version()).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
	});
});

describe("the Ollama wire", () => {
	it("streams NDJSON: one JSON object a line, the last one done", async () => {
		const response = await post("/api/chat", { model: PHI3_KEY, messages: QUESTION, options: { num_predict: 4 } });
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toBe("application/x-ndjson");
		const lines = ndjsonLines(await response.text());
		expect(lines).toHaveLength(5);
		for (const line of lines.slice(0, -1)) {
			expect(Object.keys(line)).toEqual(["model", "created_at", "message", "done"]);
			expect(line).toMatchObject({ done: false, message: { role: "assistant", content: expect.any(String) } });
		}
		const final = lines.at(-1) ?? {};
		expect(final).toMatchObject({
			done: true,
			done_reason: "length",
			message: { role: "assistant", content: "" },
			eval_count: 4,
		});
		// Where done_reason goes is left out: Ollama writes it before done, Hearth after (reported).
		expect(Object.keys(final).filter((k) => k !== "done_reason")).toEqual([
			"model",
			"created_at",
			"message",
			"done",
			"total_duration",
			"load_duration",
			"prompt_eval_count",
			"prompt_eval_duration",
			"eval_count",
			"eval_duration",
		]);
	});

	it('answers errors as {"error": "…"} with Ollama\'s statuses', async () => {
		const missing = await post("/api/chat", { model: "nope", messages: QUESTION });
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({ error: expect.stringContaining("nope") });
		const bad = await post("/api/generate", { model: PHI3_KEY, prompt: "x", options: { temperature: "hot" } });
		expect(bad.status).toBe(400);
		expect(Object.keys((await bad.json()) as object)).toEqual(["error"]);
		const keepAlive = await post("/api/generate", { model: PHI3_KEY, prompt: "x", keep_alive: "soon" });
		expect(keepAlive.status).toBe(400);
		expect(await keepAlive.json()).toEqual({ error: expect.stringContaining("soon") });
		const unknownRoute = await post("/api/nothing", {});
		expect(unknownRoute.status).toBe(404);
		expect(Object.keys((await unknownRoute.json()) as object)).toEqual(["error"]);
		const pullMissing = await post("/api/pull", { model: "hf.co/nobody/nothing-GGUF" });
		expect(pullMissing.status).toBe(200);
		const lines = ndjsonLines(await pullMissing.text());
		expect(lines[0]).toEqual({ status: "pulling manifest" });
		expect(lines.at(-1)).toEqual({ error: expect.stringContaining("nobody/nothing-GGUF") });
	});

	it('ends a stream whose runner dies mid-answer with an {"error": "…"} line', async () => {
		await server.engine.with(
			{
				failGeneration: (prompt, generated) => {
					if (prompt.includes("crash here") && generated === 2) server.engine.crash(PHI3_KEY);
					return undefined;
				},
			},
			async () => {
				const response = await post("/api/chat", { model: PHI3_KEY, messages: [{ role: "user", content: "crash here" }] });
				expect(response.status).toBe(200);
				const lines = ndjsonLines(await response.text());
				expect(lines.map((l) => ("error" in l ? "error" : l.done))).toEqual([false, false, "error"]);
				expect(lines.at(-1)).toEqual({ error: expect.stringContaining("SIGKILL") });
			},
		);
	});
});
