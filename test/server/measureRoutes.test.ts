import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchEvent, EvalEvent, StoredBenchRunView, StoredEvalRunView } from "../../src/api/native/NativeMeasure.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The Bench and Eval views' API on a FakeEngine server: progress events, the report, the kept
// runs, one measurement at a time, and bad sets refused before anything runs.
let server: FakeServer;

beforeAll(async () => {
	// As on a GPU: the runner reports the VRAM it holds.
	server = await startFakeServer({ engine: { tokenDelayMs: 1, vramBytes: 3 * 2 ** 30 } });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const events = async <T>(response: Response, schema: { parse: (v: unknown) => T }): Promise<T[]> =>
	(await response.text())
		.split("\n")
		.filter((line) => line.startsWith("data: "))
		.map((line) => schema.parse(JSON.parse(line.slice(6))));
const set = (lines: unknown[]) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n");
const item = (question: string, answer: number, subject?: string) => ({
	question,
	choices: ["w", "x", "y", "z"],
	answer,
	subject,
});

describe("POST /hearth/bench", () => {
	it("runs a preset with progress, reports it, keeps it, and refuses a second one meanwhile", async () => {
		// The first answers once its measurement runs (its stream starts with the first progress):
		// a second asked for then must wait its turn. (A timer here raced a busy machine.)
		const first = await post("/hearth/bench", { model: PHI3_KEY, preset: "quick" });
		expect(first.status).toBe(200);
		const second = await post("/hearth/bench", { model: PHI3_KEY, preset: "quick" });
		expect(second.status).toBe(409);
		expect(((await second.json()) as { error: { code: string } }).error.code).toBe("measurement_running");
		const got = await events(first, BenchEvent);
		expect(got[0]).toMatchObject({ type: "progress", done: 0, total: 1 });
		const done = got.at(-1);
		if (done?.type !== "done") throw new Error(`no report: ${JSON.stringify(done)}`);
		expect(done.report).toMatchObject({ model: PHI3_KEY, promptTokens: 256, generatedTokens: 32 });
		expect(done.report.runs).toHaveLength(1);
		expect(done.report.runs[0]?.peakVramBytes).toBe(3 * 2 ** 30);
		// Measured as the kernels are: no drafting, and no kept KV state evaluating a prompt for it.
		expect(server.engine.loads.at(-1)?.options).toMatchObject({ promptLookup: false, keepKvStates: false });
		const runs = (
			(await (await fetch(`${server.url}/hearth/bench/runs?model=${encodeURIComponent(PHI3_KEY)}`)).json()) as unknown[]
		).map((r) => StoredBenchRunView.parse(r));
		expect(runs.map((r) => r.run)).toEqual(done.report.runs);
	});

	it("tunes and saves the choice as the model's defaults", async () => {
		const got = await events(await post("/hearth/bench", { model: PHI3_KEY, preset: "tune" }), BenchEvent);
		const done = got.at(-1);
		if (done?.type !== "done" || !done.report.tune) throw new Error("no tune report");
		const config = JSON.parse(readFileSync(join(server.env.HEARTH_HOME ?? "", "config.json"), "utf8"));
		expect(config.modelDefaults[PHI3_KEY]).toEqual(done.report.tune.chosen);
		const models = (await (await fetch(`${server.url}/hearth/models`)).json()) as { key: string; defaults?: unknown }[];
		expect(models.find((m) => m.key === PHI3_KEY)?.defaults).toEqual(done.report.tune.chosen);
	});
});

describe("POST /hearth/evals", () => {
	it("scores an uploaded set with progress, reproducibly, and keeps each run", async () => {
		const body = {
			model: PHI3_KEY,
			set: { name: "mine.jsonl", jsonl: set([item("one?", 0, "a"), "{broken", item("two?", 1, "a"), item("three?", 2, "b")]) },
		};
		const first = await events(await post("/hearth/evals", body), EvalEvent);
		expect(first.filter((e) => e.type === "progress").map((e) => (e.type === "progress" ? e.done : -1))).toEqual([0, 1, 2, 3]);
		const done = first.at(-1);
		if (done?.type !== "done") throw new Error(`no report: ${JSON.stringify(done)}`);
		expect(done.report).toMatchObject({ model: PHI3_KEY, set: "mine.jsonl", items: 3, skipped: [{ line: 2 }] });
		expect(done.report.perItem.map((r) => r.line)).toEqual([1, 3, 4]);
		expect(Object.keys(done.report.bySubject).sort()).toEqual(["a", "b"]);
		const again = (await events(await post("/hearth/evals", body), EvalEvent)).at(-1);
		if (again?.type !== "done") throw new Error("no second report");
		expect(again.report.perItem).toEqual(done.report.perItem);
		const kept = ((await (await fetch(`${server.url}/hearth/evals?set=mine.jsonl`)).json()) as unknown[]).map((r) =>
			StoredEvalRunView.parse(r),
		);
		expect(kept.map((r) => r.id)).toEqual([again.id, done.id]);
	});

	it("runs the shipped set by name, and refuses a set with no valid item with 400 before running", async () => {
		const general = (await events(await post("/hearth/evals", { model: PHI3_KEY, set: "general", limit: 3 }), EvalEvent)).at(-1);
		expect(general).toMatchObject({ type: "done", report: { set: "general", items: 3 } });
		const bad = await post("/hearth/evals", { model: PHI3_KEY, set: { name: "bad.jsonl", jsonl: '{"question": "q"}' } });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({
			error: { code: "invalid_eval_set", message: expect.stringMatching(/^bad\.jsonl has no valid items \(line 1: choices/) },
		});
		const unknown = await post("/hearth/evals", { model: "no/such/model.gguf", set: "general" });
		expect(unknown.status).toBe(404);
	});
});
