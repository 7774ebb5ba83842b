import { z } from "zod";
import { KvCacheType } from "./NativeModels.js";

/** One setting a benchmark measures: threads, context length, batch size and parallel streams. */
export const BenchSetting = z.object({
	threads: z.number().int().min(1),
	ctx: z.number().int().min(16),
	/** Tokens evaluated per batch; absent: the engine's default. */
	batch: z.number().int().min(1).optional(),
	parallel: z.number().int().min(1),
	/** Whether the load used flash attention (absent in runs kept before it was recorded). */
	flashAttention: z.boolean().optional(),
	/** The KV cache's element type (absent in runs kept before it was recorded: f16). */
	kvCacheType: KvCacheType.optional(),
});
export type BenchSetting = z.infer<typeof BenchSetting>;

/** The smallest, middle and largest of a measure over the repetitions. */
export const Spread = z.object({ min: z.number(), median: z.number(), max: z.number() });
export type Spread = z.infer<typeof Spread>;

/**
 * One setting's results. `ppTokensPerSecond` is llama-bench's pp: prompt tokens evaluated per
 * second (all streams' prompts, until the last first token); `tgTokensPerSecond` the stats line's
 * generation speed (tokens after the first, per second since it), summed over the parallel streams;
 * `ttftMs` the slowest stream's first token. Each is the median; `spread` has min/median/max.
 */
export const BenchRun = BenchSetting.extend({
	loadMs: z.number(),
	ppTokensPerSecond: z.number(),
	tgTokensPerSecond: z.number(),
	ttftMs: z.number(),
	/** The runner process's peak resident memory (Linux), after the runs. */
	peakRssBytes: z.number().optional(),
	/** GPU memory the runner used, on a GPU (llama.cpp allocates it at load, so it is the peak). */
	peakVramBytes: z.number().optional(),
	reps: z.number().int().min(1),
	spread: z.object({ ppTokensPerSecond: Spread, tgTokensPerSecond: Spread, ttftMs: Spread }),
});
export type BenchRun = z.infer<typeof BenchRun>;

/** What `hearth bench --tune` optimises: one stream's generation speed, or all streams' together. */
export const TuneObjective = z.enum(["generation", "throughput"]);
export type TuneObjective = z.infer<typeof TuneObjective>;

/** The settings a tune chose, as saved in the model's defaults (config.json `modelDefaults`). */
export const TunedSettings = z.object({
	threads: z.number().int().min(1),
	flashAttention: z.boolean(),
	batchSize: z.number().int().min(1).optional(),
	kvCacheType: KvCacheType.optional(),
	/** Only for the throughput objective. */
	parallel: z.number().int().min(1).optional(),
});
export type TunedSettings = z.infer<typeof TunedSettings>;

/** What a tune found: its choice, and how it compares with the engine's defaults (runs[baselineRun]). */
export const TuneSummary = z.object({
	objective: TuneObjective,
	chosen: TunedSettings,
	baselineRun: z.number().int().min(0),
	bestRun: z.number().int().min(0),
	/** The best run's generation tok/s over the defaults' (all streams' for throughput). */
	generationSpeedup: z.number(),
	promptSpeedup: z.number(),
	/** The model key whose defaults were written. */
	savedFor: z.string(),
});
export type TuneSummary = z.infer<typeof TuneSummary>;

/** What `hearth bench --json` prints and `bench_runs` keeps: the model, where it ran and each setting's results. */
export const BenchReport = z.object({
	model: z.string(),
	machine: z.object({ cpu: z.string(), cores: z.number(), ramBytes: z.number(), backend: z.string() }),
	engine: z.object({ name: z.string(), versions: z.record(z.string(), z.string()) }),
	promptTokens: z.number().int(),
	generatedTokens: z.number().int(),
	runs: z.array(BenchRun),
	/** With --tune: what it chose. */
	tune: TuneSummary.optional(),
});
export type BenchReport = z.infer<typeof BenchReport>;
