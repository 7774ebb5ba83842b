import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankResponse } from "../../src/api/rerank/RerankResponse.js";
import { PHI3_KEY, placeModel, RERANKER_KEY, serverHome } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { testModel } from "../fixtures/testModel.js";

// The rerank routes llama-server, Jina and Cohere clients call, on the FakeEngine, whose reranker
// scores a document by the share of the query's words in it (fakeRelevance).
let server: FakeServer;
let locked: FakeServer;
const QUERY = "where is taiwan";
const DOCUMENTS = ["cats sleep all day", "taiwan is an island", "where is taiwan, exactly", "the island of taiwan is where"];

beforeAll(async () => {
	const reranker = await testModel({ architecture: "qwen3", type: "F32", reranker: true });
	const [env, lockedEnv] = await Promise.all([serverHome(), serverHome()]);
	for (const home of [env, lockedEnv]) placeModel(home, RERANKER_KEY, reranker);
	[server, locked] = await Promise.all([
		startFakeServer({ home: env }),
		startFakeServer({ home: lockedEnv, server: { apiKey: "s3cret" } }),
	]);
});
afterAll(() => Promise.all([server.close(), locked.close()]));

const post = (path: string, body: unknown, target = server, headers: Record<string, string> = {}) =>
	fetch(`${target.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
	});

describe("POST /v1/rerank", () => {
	it("scores every document and lists them best first in llama-server's shape", async () => {
		const res = await post("/v1/rerank", { model: RERANKER_KEY, query: QUERY, documents: DOCUMENTS });
		expect(res.status).toBe(200);
		const body = RerankResponse.parse(await res.json());
		expect(body).toMatchObject({ object: "list", model: RERANKER_KEY });
		expect(body.results.map((r) => r.index).sort()).toEqual([0, 1, 2, 3]);
		// Every query word: 2 and 3; two of three: 1; none: 0.
		expect(body.results.at(-1)?.index).toBe(0);
		expect(new Set(body.results.slice(0, 2).map((r) => r.index))).toEqual(new Set([2, 3]));
		const scores = body.results.map((r) => r.relevance_score);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		for (const s of scores) expect(s).toBeGreaterThanOrEqual(0);
		for (const s of scores) expect(s).toBeLessThanOrEqual(1);
		expect(body.results[0].document).toBeUndefined();
		// The query is evaluated with each document: 3 tokens × 4 documents + the documents' 19 (a comma is one).
		expect(body.usage).toEqual({ prompt_tokens: 31, total_tokens: 31 });
	});

	it("keeps top_n, returns the documents when asked, and takes Jina's {text} documents", async () => {
		const res = await post("/rerank", {
			model: RERANKER_KEY,
			query: QUERY,
			documents: DOCUMENTS.map((text) => ({ text })),
			top_n: 2,
			return_documents: true,
		});
		const body = RerankResponse.parse(await res.json());
		expect(body.results).toHaveLength(2);
		for (const r of body.results) expect(r.document?.text).toBe(DOCUMENTS[r.index]);
	});

	it("answers on llama-server's other paths the same way", async () => {
		const ask = { model: RERANKER_KEY, query: QUERY, documents: DOCUMENTS };
		const results = async (path: string) => RerankResponse.parse(await (await post(path, ask)).json()).results;
		const expected = await results("/v1/rerank");
		for (const path of ["/rerank", "/v1/reranking", "/reranking"]) expect(await results(path)).toEqual(expected);
	});

	it("refuses a model that is not a reranker with 400, an unknown one with 404, and bad bodies with 400", async () => {
		const chat = await post("/v1/rerank", { model: PHI3_KEY, query: QUERY, documents: DOCUMENTS });
		expect(chat.status).toBe(400);
		expect(await chat.json()).toMatchObject({
			error: { code: "model_not_reranker", param: "model", type: "invalid_request_error" },
		});
		const unknown = await post("/v1/rerank", { model: "nobody/none/none.gguf", query: QUERY, documents: DOCUMENTS });
		expect(unknown.status).toBe(404);
		for (const bad of [
			{ model: RERANKER_KEY, documents: DOCUMENTS },
			{ model: RERANKER_KEY, query: QUERY, documents: [] },
			{ model: RERANKER_KEY, query: QUERY, documents: DOCUMENTS, top_n: 0 },
			{ model: RERANKER_KEY, query: QUERY, documents: Array.from({ length: 1001 }, () => "x") },
		]) {
			const res = await post("/v1/rerank", bad);
			expect(res.status).toBe(400);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
		}
	});

	it("is behind the API key on every path, /rerank included", async () => {
		const ask = { model: RERANKER_KEY, query: QUERY, documents: DOCUMENTS };
		for (const path of ["/v1/rerank", "/rerank", "/v1/reranking", "/reranking"]) {
			expect({ path, status: (await post(path, ask, locked)).status }).toEqual({ path, status: 401 });
			expect((await post(path, ask, locked, { authorization: "Bearer s3cret" })).status).toBe(200);
		}
	});
});
