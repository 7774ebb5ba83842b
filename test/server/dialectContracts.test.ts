import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LmStudioExtras, LmStudioModel, LmStudioModelList } from "../../src/api/lmstudio/LmStudioResponses.js";
import {
	OllamaChatChunk,
	OllamaChatFinal,
	OllamaEmbedResponse,
	OllamaGenerateChunk,
	OllamaGenerateFinal,
	OllamaPsResponse,
	OllamaShowResponse,
	OllamaTagsResponse,
} from "../../src/api/ollama/OllamaResponses.js";
import { OpenAIChatCompletion, OpenAIModelList } from "../../src/api/openai/OpenAIResponses.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// Every answer of every dialect parses with the contract in src/api/: the schemas are what the
// routes send, not a description that could drift from them.
let server: FakeServer;
beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

const get = async (path: string) => (await fetch(`${server.url}${path}`)).json();
const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const lines = async (response: Response) =>
	(await response.text())
		.split("\n")
		.filter(Boolean)
		.map((l) => JSON.parse(l) as unknown);

describe("Ollama's contract", () => {
	it("/api/tags, /api/show, /api/ps", async () => {
		const tags = OllamaTagsResponse.parse(await get("/api/tags"));
		expect(tags.models.map((m) => m.name)).toContain("hf.co/microsoft/Phi-3-mini-4k-instruct-gguf:Q8_0");
		OllamaShowResponse.parse(await (await post("/api/show", { model: PHI3_KEY })).json());
		await post("/api/generate", { model: PHI3_KEY });
		const ps = OllamaPsResponse.parse(await get("/api/ps"));
		expect(ps.models.map((m) => m.name)).toEqual(["hf.co/microsoft/Phi-3-mini-4k-instruct-gguf:Q8_0"]);
	});

	it("/api/chat streamed: chunks, then a final object with timings", async () => {
		const all = await lines(
			await post("/api/chat", { model: PHI3_KEY, messages: [{ role: "user", content: "hi" }], options: { num_predict: 3 } }),
		);
		for (const chunk of all.slice(0, -1)) OllamaChatChunk.strict().parse(chunk);
		const final = OllamaChatFinal.strict().parse(all.at(-1));
		expect(final).toMatchObject({ done_reason: "length", eval_count: 3 });
	});

	it("/api/generate whole and streamed", async () => {
		const whole = OllamaGenerateFinal.strict().parse(
			await (await post("/api/generate", { model: PHI3_KEY, prompt: "hi", stream: false, options: { num_predict: 2 } })).json(),
		);
		expect(whole.eval_count).toBe(2);
		const all = await lines(await post("/api/generate", { model: PHI3_KEY, prompt: "hi", options: { num_predict: 2 } }));
		for (const chunk of all.slice(0, -1)) OllamaGenerateChunk.strict().parse(chunk);
		OllamaGenerateFinal.strict().parse(all.at(-1));
	});

	it("/api/embed", async () => {
		const embedded = OllamaEmbedResponse.strict().parse(
			await (await post("/api/embed", { model: PHI3_KEY, input: ["a b", "c"] })).json(),
		);
		expect(embedded.embeddings).toHaveLength(2);
		// Three words, no beginning token: what llama.cpp counts for an embedding input.
		expect(embedded.prompt_eval_count).toBe(3);
	});
});

describe("LM Studio's contract", () => {
	it("/api/v0/models and one model", async () => {
		const list = LmStudioModelList.parse(await get("/api/v0/models"));
		expect(list.data.find((m) => m.id === PHI3_KEY)?.publisher).toBe("microsoft");
		LmStudioModel.strict().parse(await get(`/api/v0/models/${encodeURIComponent(PHI3_KEY)}`));
	});

	it("/api/v0/chat/completions: OpenAI's answer plus stats, model_info and runtime", async () => {
		const body = (await (
			await post("/api/v0/chat/completions", { model: PHI3_KEY, messages: [{ role: "user", content: "hi" }], max_tokens: 2 })
		).json()) as Record<string, unknown>;
		const { stats, model_info, runtime, ...openai } = body;
		OpenAIChatCompletion.strict().parse(openai);
		expect(LmStudioExtras.strict().parse({ stats, model_info, runtime }).stats.stop_reason).toBe("maxPredictedTokensReached");
	});
});

describe("OpenAI's contract", () => {
	it("/v1/models", async () => {
		OpenAIModelList.parse(await get("/v1/models"));
	});
});
