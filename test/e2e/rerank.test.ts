import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankResponse } from "../../src/api/rerank/RerankResponse.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { LLAMA_KEY, placeModel, RERANKER_KEY, serverHome } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// Reranking on a real generated Qwen3-Reranker-shaped GGUF, through node-llama-cpp's ranking
// context in a runner process. Random weights make the scores meaningless, so this checks what is
// true regardless: probabilities, each document's score independent of the others and of its
// position (the index mapping), the same scores every time, and the refusal of a chat model.
let server: RunningServer;
const QUERY = "where is taiwan";
const DOCUMENTS = ["taiwan is an island", "cats sleep all day", "where is taiwan", "a", "the island of taiwan is east of china"];

beforeAll(async () => {
	const env = await serverHome();
	placeModel(env, RERANKER_KEY, await testModel({ architecture: "qwen3", type: "F32", reranker: true }));
	server = await startServer({ port: 0, env, print: () => {} });
});
afterAll(() => server.close());

const rerank = async (body: Record<string, unknown>) => {
	const res = await fetch(`${server.url}/v1/rerank`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model: RERANKER_KEY, query: QUERY, ...body }),
	});
	return { status: res.status, body: (await res.json()) as unknown };
};
const scoresOf = (body: unknown) => {
	const { results } = RerankResponse.parse(body);
	return new Map(results.map((r) => [r.index, r.relevance_score]));
};

describe("POST /v1/rerank on a real reranker", () => {
	it("gives each document a probability that does not depend on the other documents or their order", async () => {
		const first = await rerank({ documents: DOCUMENTS });
		expect(first.status).toBe(200);
		const scores = scoresOf(first.body);
		expect(scores.size).toBe(DOCUMENTS.length);
		for (const score of scores.values()) {
			expect(score).toBeGreaterThan(0);
			expect(score).toBeLessThan(1);
		}
		// Random weights still tell documents apart.
		expect(new Set(scores.values()).size).toBeGreaterThan(1);

		const reversed = scoresOf((await rerank({ documents: [...DOCUMENTS].reverse() })).body);
		DOCUMENTS.forEach((_, i) => {
			expect(reversed.get(DOCUMENTS.length - 1 - i)).toBeCloseTo(scores.get(i) ?? Number.NaN, 5);
		});
		const alone = scoresOf((await rerank({ documents: [DOCUMENTS[4]] })).body);
		expect(alone.get(0)).toBeCloseTo(scores.get(4) ?? Number.NaN, 5);

		const best = RerankResponse.parse((await rerank({ documents: DOCUMENTS, top_n: 1 })).body).results;
		expect(best).toHaveLength(1);
		expect(best[0].relevance_score).toBeCloseTo(Math.max(...scores.values()), 5);
	});

	it("refuses a chat model with 400 model_not_reranker, and the server goes on", async () => {
		const refused = await rerank({ model: LLAMA_KEY, documents: DOCUMENTS });
		expect(refused.status).toBe(400);
		expect(refused.body).toMatchObject({ error: { code: "model_not_reranker", param: "model" } });
		expect((await rerank({ documents: DOCUMENTS })).status).toBe(200);
	});
});
