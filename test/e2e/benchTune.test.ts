import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BenchReport } from "../../src/api/native/NativeBench.js";
import type { RunningServer } from "../../src/server/startServer.js";
import { startServer } from "../../src/server/startServer.js";
import { placeModel } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";
import { runCli } from "./runCli.js";

const KEY = "local/tune-me/tune-me-F32.gguf";
const NARROW_KEY = "local/narrow/narrow-F32.gguf";
let server: RunningServer | undefined;
afterAll(() => server?.close());

// `hearth bench --tune` on a tiny generated model: which setting wins means nothing here; that the
// search measures each dimension, reports its choice against the defaults, saves it, and that the
// next load of the model uses it, does.
describe("hearth bench --tune", () => {
	it("measures from the defaults one dimension at a time, saves the winner, and a later load uses it", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-tune-"));
		const env = { HEARTH_HOME: home, HEARTH_OTHER_APPS: "off" };
		// Two heads of 32 values: a q8_0 cache needs 32 to divide the head size.
		placeModel(env, KEY, await testModel({ seed: 11, dimensions: { heads: 2, kvHeads: 2 } }));
		// Saved earlier by the user: the tune owns only its own fields and keeps this one.
		writeFileSync(join(home, "config.json"), JSON.stringify({ modelDefaults: { [KEY]: { contextLength: 512 } } }));
		const result = await runCli(["bench", KEY, "--tune", "--prompt", "48", "--gen", "8", "--json"], {
			env: { ...env, HEARTH_FLASH_ATTENTION: "auto" },
		});
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const report = BenchReport.parse(JSON.parse(result.stdout));
		const tune = report.tune;
		if (!tune) throw new Error("no tune summary");
		expect(report.promptTokens).toBe(48);
		// Defaults, then the other thread counts, the other flash attention, a q8_0 cache, two batch sizes.
		const cores = report.machine.cores;
		expect(report.runs.length).toBe(1 + (Math.min(cores, 4) - 1) + 1 + 1 + 2);
		const [baseline] = report.runs;
		expect(tune.baselineRun).toBe(0);
		expect(report.runs.map((r) => r.flashAttention)).toContain(!baseline?.flashAttention);
		expect(report.runs.map((r) => r.batch)).toEqual(expect.arrayContaining([128, 1024]));
		expect(report.runs.map((r) => r.kvCacheType)).toEqual(expect.arrayContaining(["f16", "q8_0"]));
		const best = report.runs[tune.bestRun];
		if (!best || !baseline) throw new Error("runs missing");
		expect(tune.chosen).toEqual({
			threads: best.threads,
			flashAttention: best.flashAttention,
			kvCacheType: best.kvCacheType,
			batchSize: best.batch,
		});
		expect(tune.generationSpeedup).toBeCloseTo(best.tgTokensPerSecond / baseline.tgTokensPerSecond, 6);
		expect(tune.savedFor).toBe(KEY);
		// No run beats the winner by more than the tie margin on generation.
		for (const run of report.runs) expect(run.tgTokensPerSecond).toBeLessThanOrEqual(best.tgTokensPerSecond * 1.03 + 1e-9);

		const config = JSON.parse(readFileSync(join(home, "config.json"), "utf8"));
		expect(config.modelDefaults[KEY]).toEqual({ contextLength: 512, ...tune.chosen });

		server = await startServer({ port: 0, env: { ...env, HEARTH_LOG_LEVEL: "error" }, print: () => {} });
		const loaded = (await (
			await fetch(`${server.url}/hearth/models/load`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ model: KEY }),
			})
		).json()) as {
			contextLength: number;
			threads: number;
			batchSize?: number;
			kvCacheType?: string;
			flashAttention: { enabled: boolean; chosenBy: string };
		};
		expect(loaded.contextLength).toBe(512);
		expect(loaded.threads).toBe(tune.chosen.threads);
		expect(loaded.batchSize).toBe(tune.chosen.batchSize);
		expect(loaded.kvCacheType).toBe(tune.chosen.kvCacheType);

		// A head size of 16 cannot hold a q8_0 cache: refused before any runner starts, in the API's shape.
		placeModel(env, NARROW_KEY, await testModel({ seed: 11 }));
		const narrow = await fetch(`${server.url}/hearth/models/load`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ model: NARROW_KEY, kvCacheType: "q8_0" }),
		});
		expect(narrow.status).toBe(400);
		expect(await narrow.json()).toMatchObject({
			error: { code: "unsupported_kv_cache_type", message: expect.stringMatching(/this model's is 16 \(use f16\)$/) },
		});
		expect(loaded.flashAttention).toMatchObject({ enabled: tune.chosen.flashAttention, chosenBy: "request" });
	});

	it("refuses lists beside --tune, and --objective without it, in one line", async () => {
		const model = await testModel({ seed: 11 });
		const both = await runCli(["bench", model, "--tune", "--threads", "1,2"]);
		expect(both.code).toBe(1);
		expect(both.stderr).toMatch(/^hearth: --tune chooses threads, batch, KV cache and parallel itself/);
		const alone = await runCli(["bench", model, "--objective", "throughput"]);
		expect(alone.code).toBe(1);
		expect(alone.stderr).toBe("hearth: --objective applies to --tune only\n");
		const bad = await runCli(["bench", model, "--tune", "--objective", "speed"]);
		expect(bad.code).not.toBe(0);
		expect(bad.stderr).toMatch(/Expected generation or throughput/);
	});
});
