import { Ollama } from "ollama";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";

// Ollama's and LM Studio's dialects on a real generated GGUF: a journey through each, and the
// same question answered alike through every door. The dialects' details are in test/server.
let server: RunningServer;
let ollama: Ollama;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
/** QUESTION in the Phi-3 template, as llama.cpp tokenizes it for the test model (see openaiServer). */
const QUESTION_TOKENS = 11;

beforeAll(async () => {
	server = await startServer({ port: 0, env: await serverHome(), print: () => {} });
	ollama = new Ollama({ host: server.url });
});
afterAll(() => server.close());

const post = async (path: string, body: unknown) =>
	(
		await fetch(`${server.url}${path}`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(body),
		})
	).json() as Promise<Record<string, unknown>>;

describe("the ollama npm client, on a real model", () => {
	it("chats streaming and not, with Ollama's timings; generates; shows the model; embeds", async () => {
		const whole = await ollama.chat({
			model: PHI3_KEY,
			messages: QUESTION,
			stream: false,
			options: { seed: 4, num_predict: 10 },
		});
		expect(whole.message.role).toBe("assistant");
		expect(whole.message.content.length).toBeGreaterThan(0);
		expect(whole).toMatchObject({ done: true, done_reason: "length", eval_count: 10, prompt_eval_count: QUESTION_TOKENS });
		for (const key of ["total_duration", "load_duration", "prompt_eval_duration", "eval_duration"] as const)
			expect(whole[key]).toBeGreaterThan(0); // this request loaded the model
		expect(whole.total_duration).toBeGreaterThan(whole.eval_duration);

		const parts = await ollama.chat({ model: PHI3_KEY, messages: QUESTION, stream: true, options: { seed: 4, num_predict: 10 } });
		let text = "";
		let last: { done: boolean; done_reason?: string; eval_count?: number; load_duration?: number } | undefined;
		for await (const part of parts) {
			text += part.message.content;
			last = part;
		}
		expect(text).toBe(whole.message.content);
		expect(last).toMatchObject({ done: true, done_reason: "length", eval_count: 10, load_duration: 0 });

		const generated = await ollama.generate({
			model: PHI3_KEY,
			prompt: "where is taiwan",
			stream: false,
			options: { seed: 4, num_predict: 10 },
		});
		expect(generated.response).toBe(whole.message.content);
		const raw = await ollama.generate({
			model: PHI3_KEY,
			prompt: "The island of",
			raw: true,
			stream: false,
			options: { num_predict: 5 },
		});
		expect(raw.eval_count).toBe(5);

		const show = await ollama.show({ model: "phi-3-mini-4k-instruct-q4" });
		expect(show.template).toContain("<|assistant|>");
		const embed = await ollama.embed({ model: PHI3_KEY, input: ["where is taiwan", "hello"] });
		expect(embed.embeddings).toHaveLength(2);
		expect(embed.embeddings[0]).toHaveLength(64); // the test model's embedding width
		expect((await ollama.ps()).models.map((m) => m.name)).toContain("hf.co/microsoft/Phi-3-mini-4k-instruct-gguf:Q8_0");
	});
});

describe("LM Studio's REST API, on a real model", () => {
	it("lists the model loaded and answers with llama.cpp's stats", async () => {
		const list = (await (await fetch(`${server.url}/api/v0/models`)).json()) as { data: Record<string, unknown>[] };
		expect(list.data.find((m) => m.id === PHI3_KEY)).toMatchObject({ state: "loaded", loaded_context_length: 4096 });
		const body = await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 6 });
		expect(body.usage).toMatchObject({ prompt_tokens: QUESTION_TOKENS, completion_tokens: 6 });
		const stats = body.stats as Record<string, number | string>;
		expect(stats.stop_reason).toBe("maxPredictedTokensReached");
		expect(stats.tokens_per_second).toBeGreaterThan(0);
		expect(stats.time_to_first_token).toBeGreaterThan(0);
		expect(stats.time_to_first_token).toBeLessThan(30); // seconds, not milliseconds
		expect(body.model_info).toMatchObject({ arch: "phi3", quant: "Q8_0", format: "gguf", context_length: 4096 });
		expect(body.runtime).toMatchObject({ name: expect.stringContaining("llama.cpp"), supported_formats: ["gguf"] });
	});
});

describe("one native path", () => {
	const answers = async (sampling: { seed?: number; temperature: number }) => {
		const openai = await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 12, ...sampling });
		const lmstudio = await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 12, ...sampling });
		const chat = await ollama.chat({
			model: PHI3_KEY,
			messages: QUESTION,
			stream: false,
			options: { num_predict: 12, ...sampling },
		});
		const generate = await ollama.generate({
			model: PHI3_KEY,
			prompt: "where is taiwan",
			stream: false,
			options: { num_predict: 12, ...sampling },
		});
		let native = "";
		let nativePromptTokens = 0;
		for await (const event of new HearthClient(server.url).chat({
			model: PHI3_KEY,
			messages: QUESTION,
			maxTokens: 12,
			...sampling,
		})) {
			if (event.type === "done") {
				native = event.text;
				nativePromptTokens = event.stats.promptTokens;
			}
		}
		const text = (r: Record<string, unknown>) => (r.choices as { message: { content: string } }[])[0].message.content;
		const promptTokens = (r: Record<string, unknown>) => (r.usage as { prompt_tokens: number }).prompt_tokens;
		return {
			texts: [text(openai), text(lmstudio), chat.message.content, generate.response, native],
			promptTokens: [
				promptTokens(openai),
				promptTokens(lmstudio),
				chat.prompt_eval_count,
				generate.prompt_eval_count,
				nativePromptTokens,
			],
		};
	};

	it("gives the same greedy answer through OpenAI, LM Studio, Ollama's chat and generate, and the native API", async () => {
		const { texts, promptTokens } = await answers({ temperature: 0 });
		expect(texts[0]?.length).toBeGreaterThan(0);
		expect(texts).toEqual(Array(5).fill(texts[0]));
		expect(promptTokens).toEqual(Array(5).fill(QUESTION_TOKENS));
	});

	it("gives the same seeded answer through every door too", async () => {
		const { texts } = await answers({ seed: 77, temperature: 0.7 });
		expect(texts[0]?.length).toBeGreaterThan(0);
		expect(texts).toEqual(Array(5).fill(texts[0]));
	});

	it("unloads at once with keep_alive 0", async () => {
		const unloaded = await ollama.generate({ model: PHI3_KEY, prompt: "", keep_alive: 0 });
		expect(unloaded.done_reason).toBe("unload");
		expect((await ollama.ps()).models).toEqual([]);
	});
});
