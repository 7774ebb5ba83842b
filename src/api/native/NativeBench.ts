import { z } from "zod";

/** One setting a benchmark measures: threads, context length, batch size and parallel streams. */
export const BenchSetting = z.object({
	threads: z.number().int().min(1),
	ctx: z.number().int().min(16),
	/** Tokens evaluated per batch; absent: the engine's default. */
	batch: z.number().int().min(1).optional(),
	parallel: z.number().int().min(1),
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
	reps: z.number().int().min(1),
	spread: z.object({ ppTokensPerSecond: Spread, tgTokensPerSecond: Spread, ttftMs: Spread }),
});
export type BenchRun = z.infer<typeof BenchRun>;

/** What `hearth bench --json` prints and `bench_runs` keeps: the model, where it ran and each setting's results. */
export const BenchReport = z.object({
	model: z.string(),
	machine: z.object({ cpu: z.string(), cores: z.number(), ramBytes: z.number(), backend: z.string() }),
	engine: z.object({ name: z.string(), versions: z.record(z.string(), z.string()) }),
	promptTokens: z.number().int(),
	generatedTokens: z.number().int(),
	runs: z.array(BenchRun),
});
export type BenchReport = z.infer<typeof BenchReport>;
