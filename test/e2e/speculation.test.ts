import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { LLAMA_KEY, PHI3_KEY, placeModel, serverHome } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// A draft model named on the load API, as any model is, and its drafted and accepted tokens in each
// dialect's stats. The model drafts for itself (see src/engine/llama/speculation.test.ts), so most
// drafts are accepted.
const CONFIDENT_KEY = "local/confident/confident-F32.gguf";
let server: RunningServer;
let openai: OpenAI;

beforeAll(async () => {
	const env = await serverHome({ HEARTH_PROMPT_LOOKUP: "off" });
	placeModel(env, CONFIDENT_KEY, await testModel({ type: "F32", confident: true }));
	server = await startServer({ port: 0, env, print: () => {} });
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("a model loaded with a draft model", () => {
	it("reports its draft on /hearth/models/loaded and the drafts in OpenAI's, LM Studio's and the native stats", async () => {
		const loaded = await post("/hearth/models/load", { model: CONFIDENT_KEY, draft: CONFIDENT_KEY, draftMinConfidence: 0 });
		expect(loaded.status).toBe(200);
		const view = (await loaded.json()) as { speculation?: { promptLookup: boolean; draftModelPath?: string } };
		expect(view.speculation?.draftModelPath).toMatch(/confident-F32\.gguf$/);
		expect(view.speculation?.promptLookup).toBe(false);

		const ask = {
			model: CONFIDENT_KEY,
			messages: [{ role: "user" as const, content: "where is taiwan" }],
			max_tokens: 24,
			temperature: 0,
		};
		const completion = await openai.chat.completions.create(ask);
		const details = completion.usage?.completion_tokens_details;
		expect(details?.accepted_prediction_tokens).toBeGreaterThan(4);
		// The repeat penalty (on by default) weighs the model's and its draft's histories apart, so a
		// few drafts are refused even from the model itself; most are accepted.
		expect(details?.rejected_prediction_tokens).toBeLessThan(details?.accepted_prediction_tokens ?? 0);

		const lmStudio = (await (await post("/api/v0/chat/completions", ask)).json()) as {
			stats: { total_draft_tokens_count?: number; accepted_draft_tokens_count?: number; rejected_draft_tokens_count?: number };
		};
		// How many tokens get drafted depends on timing (the draft runs beside the model); that each is accepted does not.
		expect(lmStudio.stats.total_draft_tokens_count).toBeGreaterThan(4);
		expect(lmStudio.stats.rejected_draft_tokens_count).toBeLessThan(lmStudio.stats.accepted_draft_tokens_count ?? 0);
		expect(lmStudio.stats.accepted_draft_tokens_count).toBe(
			(lmStudio.stats.total_draft_tokens_count ?? 0) - (lmStudio.stats.rejected_draft_tokens_count ?? 0),
		);

		const native = await post("/hearth/chat", { model: CONFIDENT_KEY, messages: ask.messages, maxTokens: 24, temperature: 0 });
		const done = (await native.text())
			.split("\n")
			.filter((line) => line.startsWith("data: "))
			.map(
				(line) => JSON.parse(line.slice(6)) as { type: string; stats?: { draftTokens?: number; acceptedDraftTokens?: number } },
			)
			.find((event) => event.type === "done");
		expect(done?.stats?.draftTokens).toBeGreaterThan(4);
		expect(done?.stats?.acceptedDraftTokens).toBeGreaterThan((done?.stats?.draftTokens ?? 0) / 2);
	});

	it("without drafting reports no draft counts", async () => {
		const completion = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: [{ role: "user", content: "where is taiwan" }],
			max_tokens: 4,
			temperature: 0,
		});
		expect(completion.usage?.completion_tokens_details).toBeUndefined();
	});

	it("refuses a draft model of another vocabulary with 400 draft_model_mismatch, and a missing one with 404", async () => {
		await post("/hearth/models/unload", { all: true });
		const mismatch = await post("/hearth/models/load", { model: PHI3_KEY, draft: LLAMA_KEY });
		expect(mismatch.status).toBe(400);
		expect(((await mismatch.json()) as { error: { code: string } }).error.code).toBe("draft_model_mismatch");
		const missing = await post("/hearth/models/load", { model: PHI3_KEY, draft: "nobody/nothing" });
		expect(missing.status).toBe(404);
	});
});
