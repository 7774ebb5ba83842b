import { existsSync } from "node:fs";
import { join } from "node:path";
import { Ollama } from "ollama";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { LLAMA_KEY, PHI3_KEY, serverHome } from "../fixtures/serverHome.js";
import { startFakeHub } from "../fixtures/startFakeHub.js";

let server: RunningServer;
let hub: FakeHub;
let home: string;
let ollama: Ollama;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];

beforeAll(async () => {
	hub = await startFakeHub();
	const env = await serverHome({ HF_ENDPOINT: hub.url });
	home = env.HEARTH_HOME as string;
	server = await startServer({ port: 0, env, print: () => {} });
	ollama = new Ollama({ host: server.url });
});
afterAll(async () => {
	await server.close();
	await hub.stop();
});

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the ollama npm client", () => {
	it("chats, streaming and not, with Ollama's final timings", async () => {
		const whole = await ollama.chat({
			model: PHI3_KEY,
			messages: QUESTION,
			stream: false,
			options: { seed: 4, num_predict: 10 },
		});
		expect(whole.message.role).toBe("assistant");
		expect(whole.message.content.length).toBeGreaterThan(0);
		expect(whole).toMatchObject({ done: true, done_reason: "length", eval_count: 10 });
		for (const key of ["total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_duration"] as const)
			expect(typeof whole[key]).toBe("number");
		expect(whole.total_duration).toBeGreaterThan(whole.eval_duration);

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

	it("generates from a prompt in the model's template, or raw", async () => {
		const templated = await ollama.generate({
			model: PHI3_KEY,
			prompt: "where is taiwan",
			stream: false,
			options: { seed: 4, num_predict: 10 },
		});
		const chat = await ollama.chat({ model: PHI3_KEY, messages: QUESTION, stream: false, options: { seed: 4, num_predict: 10 } });
		expect(templated.response).toBe(chat.message.content);
		const raw = await ollama.generate({
			model: PHI3_KEY,
			prompt: "The island of",
			raw: true,
			stream: false,
			options: { num_predict: 5 },
		});
		expect(raw.eval_count).toBe(5);
	});

	it("lists tags, shows a model, and embeds", async () => {
		const tags = await ollama.list();
		const phi3 = tags.models.find((m) => m.name === PHI3_KEY);
		expect(phi3?.details).toMatchObject({ format: "gguf", family: "phi3", quantization_level: "Q8_0" });
		const show = await ollama.show({ model: "phi-3-mini-4k-instruct-q4" });
		expect(show.template).toContain("<|assistant|>");
		expect((show.model_info as unknown as Record<string, unknown>)["phi3.context_length"]).toBe(4096);
		const embed = await ollama.embed({ model: PHI3_KEY, input: ["where is taiwan", "hello"] });
		expect(embed.embeddings).toHaveLength(2);
		expect(embed.embeddings[0]).toHaveLength(64);
	});

	it("reports loaded models in ps, and keep_alive 0 unloads at once", async () => {
		await ollama.generate({ model: LLAMA_KEY, prompt: "hi", stream: false, options: { num_predict: 1 } });
		expect((await ollama.ps()).models.map((m) => m.name)).toContain(LLAMA_KEY);
		const unloaded = await ollama.generate({ model: LLAMA_KEY, prompt: "", keep_alive: 0 });
		expect(unloaded.done_reason).toBe("unload");
		expect((await ollama.ps()).models.map((m) => m.name)).not.toContain(LLAMA_KEY);
		await ollama.chat({ model: LLAMA_KEY, messages: QUESTION, keep_alive: 0, stream: false, options: { num_predict: 2 } });
		await new Promise((r) => setTimeout(r, 300));
		expect((await ollama.ps()).models.map((m) => m.name)).not.toContain(LLAMA_KEY);
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
		const key = "bartowski/Tiny-Llama-GGUF/Tiny-Llama-Q8_0.gguf";
		expect((await ollama.list()).models.map((m) => m.name)).toContain(key);
		await ollama.delete({ model: key });
		expect(existsSync(join(home, "models", key))).toBe(false);
		await expect(ollama.delete({ model: key })).rejects.toThrow(/not found/);
	});
});

describe("the Ollama wire", () => {
	it("streams NDJSON: one JSON object a line, the last one done", async () => {
		const response = await post("/api/chat", { model: PHI3_KEY, messages: QUESTION, options: { num_predict: 4 } });
		expect(response.headers.get("content-type")).toBe("application/x-ndjson");
		const text = await response.text();
		expect(text.endsWith("\n")).toBe(true);
		const lines = text
			.trimEnd()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(lines.slice(0, -1).every((l) => l.done === false && typeof l.message.content === "string")).toBe(true);
		expect(Object.keys(lines.at(-1))).toEqual([
			"model",
			"created_at",
			"message",
			"done",
			"done_reason",
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
		const pullMissing = await post("/api/pull", { model: "hf.co/nobody/nothing-GGUF" });
		expect(pullMissing.status).toBe(200);
		const lines = (await pullMissing.text())
			.trimEnd()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(lines.at(-1)).toEqual({ error: expect.stringContaining("nobody/nothing-GGUF") });
	});
});

describe("LM Studio's REST API", () => {
	it("lists models with state and describes one", async () => {
		await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 1 });
		const list = (await (await fetch(`${server.url}/api/v0/models`)).json()) as { data: Record<string, unknown>[] };
		expect(list.data.find((m) => m.id === PHI3_KEY)).toMatchObject({
			type: "llm",
			publisher: "microsoft",
			arch: "phi3",
			compatibility_type: "gguf",
			quantization: "Q8_0",
			state: "loaded",
			max_context_length: 4096,
			loaded_context_length: 4096,
		});
		const one = (await (await fetch(`${server.url}/api/v0/models/${LLAMA_KEY}`)).json()) as Record<string, unknown>;
		expect(one).toMatchObject({ id: LLAMA_KEY, arch: "llama", state: "not-loaded" });
	});

	it("answers chat with stats, model_info and runtime", async () => {
		const body = (await (
			await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 6 })
		).json()) as Record<string, unknown>;
		expect(body.stats).toMatchObject({ stop_reason: "maxPredictedTokensReached" });
		const stats = body.stats as Record<string, number>;
		expect(stats.tokens_per_second).toBeGreaterThan(0);
		expect(stats.time_to_first_token).toBeGreaterThan(0);
		expect(body.model_info).toMatchObject({ arch: "phi3", quant: "Q8_0", format: "gguf", context_length: 4096 });
		expect(body.runtime).toMatchObject({ supported_formats: ["gguf"] });
	});
});

describe("one native path", () => {
	it("gives the same seeded answer through OpenAI, Ollama and LM Studio routes", async () => {
		const openai = (await (
			await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 12, seed: 77, temperature: 0.7 })
		).json()) as {
			choices: { message: { content: string } }[];
		};
		const lmstudio = (await (
			await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 12, seed: 77, temperature: 0.7 })
		).json()) as {
			choices: { message: { content: string } }[];
		};
		const viaOllama = await ollama.chat({
			model: PHI3_KEY,
			messages: QUESTION,
			stream: false,
			options: { num_predict: 12, seed: 77, temperature: 0.7 },
		});
		expect(openai.choices[0].message.content.length).toBeGreaterThan(0);
		expect(lmstudio.choices[0].message.content).toBe(openai.choices[0].message.content);
		expect(viaOllama.message.content).toBe(openai.choices[0].message.content);
	});
});
