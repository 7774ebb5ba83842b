import { z } from "zod";
import { BenchReport, BenchRun, TuneObjective } from "./NativeBench.js";
import { EvalReport } from "./NativeEval.js";

/**
 * POST /hearth/bench: measure a model with a preset. quick: the model's defaults, once; full:
 * every useful thread count × 1/2/4 parallel streams, once each after a 256-token prompt; tune: the tuner,
 * whose choice becomes the model's defaults.
 */
export const BenchPreset = z.enum(["quick", "full", "tune"]);
export type BenchPreset = z.infer<typeof BenchPreset>;

export const BenchRequest = z.object({
	model: z.string().min(1),
	preset: BenchPreset.default("quick"),
	/** For tune: one stream's speed (default) or all parallel streams'. */
	objective: TuneObjective.optional(),
});
export type BenchRequest = z.infer<typeof BenchRequest>;

/** The events of a measurement: progress as it goes, then the report (or an error). */
export const BenchEvent = z.discriminatedUnion("type", [
	z.object({ type: z.literal("progress"), done: z.number().int(), total: z.number().int(), label: z.string() }),
	z.object({ type: z.literal("done"), report: BenchReport }),
	z.object({ type: z.literal("error"), error: z.object({ message: z.string(), code: z.string() }) }),
]);
export type BenchEvent = z.infer<typeof BenchEvent>;

/** GET /hearth/bench/runs: kept runs, newest first, one per setting. */
export const StoredBenchRunView = z.object({
	id: z.number().int(),
	createdAt: z.string(),
	model: z.string(),
	machine: BenchReport.shape.machine,
	engine: BenchReport.shape.engine,
	promptTokens: z.number().int(),
	generatedTokens: z.number().int(),
	run: BenchRun,
});
export type StoredBenchRunView = z.infer<typeof StoredBenchRunView>;

/** The most an uploaded eval set may be: far above any real set, far below the body limit's harm. */
export const MAX_EVAL_SET_CHARS = 16 * 2 ** 20;

/** POST /hearth/evals: score a model on the shipped set or an uploaded JSONL one. */
export const EvalRequest = z.object({
	model: z.string().min(1),
	set: z.union([
		z.literal("general"),
		z.object({ name: z.string().trim().min(1).max(200), jsonl: z.string().max(MAX_EVAL_SET_CHARS) }),
	]),
	limit: z.number().int().min(1).optional(),
});
export type EvalRequest = z.infer<typeof EvalRequest>;

export const EvalEvent = z.discriminatedUnion("type", [
	z.object({ type: z.literal("progress"), done: z.number().int(), total: z.number().int(), correct: z.number().int() }),
	z.object({ type: z.literal("done"), id: z.number().int(), report: EvalReport }),
	z.object({ type: z.literal("error"), error: z.object({ message: z.string(), code: z.string() }) }),
]);
export type EvalEvent = z.infer<typeof EvalEvent>;

/** GET /hearth/evals: kept runs, newest first. */
export const StoredEvalRunView = z.object({ id: z.number().int(), createdAt: z.string(), report: EvalReport });
export type StoredEvalRunView = z.infer<typeof StoredEvalRunView>;
