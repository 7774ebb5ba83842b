import type { BenchRun, BenchSetting, Spread } from "../api/native/NativeBench.js";
import type { KvCacheType } from "../api/native/NativeModels.js";
import type { Engine, GenerationStats } from "../engine/Engine.js";
import { peakRssBytes } from "../util/peakRssBytes.js";
import { promptOfTokens } from "./promptOfTokens.js";

/** Every combination of these is one setting; undefined is the engine's default (reported as loaded). */
export interface BenchGrid {
	threads: readonly (number | undefined)[];
	ctx: readonly (number | undefined)[];
	batch: readonly (number | undefined)[];
	/** Absent: the engine's default only. */
	kvCacheType?: readonly (KvCacheType | undefined)[];
	parallel: readonly number[];
	/** Tokens of each stream's prompt (llama-bench's pp). */
	promptTokens: number;
	/** Tokens each stream generates (llama-bench's tg). */
	generatedTokens: number;
	reps: number;
}

export interface BenchProgress {
	/** Settings finished, of `total`. */
	done: number;
	total: number;
	/** The setting running now (the last one when all are done). */
	setting: RequestedSetting;
}

const BENCH_ID = "hearth-bench";

/** A setting as asked for: undefined fields are the engine's defaults. */
export type RequestedSetting = {
	threads?: number;
	ctx?: number;
	batch?: number;
	flashAttention?: boolean;
	kvCacheType?: KvCacheType;
	parallel: number;
};

/** How much each measurement runs: tokens of each prompt and of each answer, and repetitions. */
export type BenchWork = Pick<BenchGrid, "promptTokens" | "generatedTokens" | "reps">;

/** The grid's settings, in the order they run: threads outermost, parallel innermost. */
export function benchSettings(grid: BenchGrid): RequestedSetting[] {
	return grid.threads.flatMap((threads) =>
		grid.ctx.flatMap((ctx) =>
			grid.batch.flatMap((batch) =>
				(grid.kvCacheType ?? [undefined]).flatMap((kvCacheType) =>
					grid.parallel.map((parallel) => ({ threads, ctx, batch, kvCacheType, parallel })),
				),
			),
		),
	);
}

/**
 * Measures a model at each setting of the grid: loads it as any load does (in a runner process),
 * runs `reps` repetitions of `parallel` concurrent streams of a fresh prompt (each repetition's
 * prompts start differently, so nothing comes from the cache), and reports load time, prompt and
 * generation speed, time to first token and the runner's peak memory. Drafting is off, so the
 * numbers are the kernels' and comparable with llama-bench's.
 */
export async function runBench(
	engine: Engine,
	modelPath: string,
	grid: BenchGrid,
	onProgress: (progress: BenchProgress) => void = () => {},
	signal?: AbortSignal,
): Promise<BenchRun[]> {
	const settings = benchSettings(grid);
	const runs: BenchRun[] = [];
	for (const [index, setting] of settings.entries()) {
		signal?.throwIfAborted();
		onProgress({ done: index, total: settings.length, setting });
		runs.push(await measureSetting(engine, modelPath, setting, grid, signal));
	}
	onProgress({ done: settings.length, total: settings.length, setting: settings.at(-1) as RequestedSetting });
	return runs;
}

/**
 * One setting measured: the model loaded with it (in a runner process), `reps` repetitions of
 * `parallel` concurrent streams of a fresh prompt, and the model unloaded again.
 */
export async function measureSetting(
	engine: Engine,
	modelPath: string,
	setting: RequestedSetting,
	work: BenchWork,
	signal?: AbortSignal,
): Promise<BenchRun> {
	const loaded = await engine.load(
		modelPath,
		{
			id: BENCH_ID,
			contextLength: setting.ctx,
			threads: setting.threads,
			parallel: setting.parallel,
			batchSize: setting.batch,
			flashAttention: setting.flashAttention,
			kvCacheType: setting.kvCacheType,
			promptLookup: false,
			keepKvStates: false,
		},
		{ signal },
	);
	try {
		const words = await promptOfTokens(engine, BENCH_ID, work.promptTokens);
		const reps: RepResult[] = [];
		for (let rep = 0; rep < work.reps; rep++) {
			signal?.throwIfAborted();
			const streams = Array.from({ length: setting.parallel }, (_, stream) =>
				engine.complete(
					BENCH_ID,
					{ prompt: `${rep + 1}.${stream + 1} ${words}`, maxTokens: work.generatedTokens, temperature: 0 },
					{ signal },
				),
			);
			reps.push(repResult((await Promise.all(streams)).map((r) => r.stats)));
		}
		const vram = await engine.vramUsedBytes?.(BENCH_ID);
		// What the engine made of the setting: its defaults filled in, the context capped at the model's.
		const batch = loaded.batchSize ?? setting.batch;
		const measured: BenchSetting = {
			threads: loaded.threads,
			ctx: loaded.contextLength,
			parallel: loaded.parallel,
			flashAttention: loaded.flashAttention.enabled,
			...(batch === undefined ? {} : { batch }),
			...(loaded.kvCacheType === undefined ? {} : { kvCacheType: loaded.kvCacheType }),
		};
		return {
			...measured,
			loadMs: loaded.loadTimeMs,
			ppTokensPerSecond: spread(reps.map((r) => r.pp)).median,
			tgTokensPerSecond: spread(reps.map((r) => r.tg)).median,
			ttftMs: spread(reps.map((r) => r.ttftMs)).median,
			peakRssBytes: peakRssBytes(loaded.pid),
			...(vram === undefined ? {} : { peakVramBytes: vram }),
			reps: work.reps,
			spread: {
				ppTokensPerSecond: spread(reps.map((r) => r.pp)),
				tgTokensPerSecond: spread(reps.map((r) => r.tg)),
				ttftMs: spread(reps.map((r) => r.ttftMs)),
			},
		};
	} finally {
		await engine.unload(BENCH_ID);
	}
}

interface RepResult {
	pp: number;
	tg: number;
	ttftMs: number;
}

/** One repetition: all streams' prompt tokens over the slowest first token; generation summed over the streams. */
function repResult(stats: GenerationStats[]): RepResult {
	const ttftMs = Math.max(...stats.map((s) => s.timeToFirstTokenMs));
	const evaluated = stats.reduce((sum, s) => sum + s.promptTokens - s.cachedPromptTokens, 0);
	return {
		pp: ttftMs > 0 ? evaluated / (ttftMs / 1000) : 0,
		tg: stats.reduce((sum, s) => sum + s.tokensPerSecond, 0),
		ttftMs,
	};
}

function spread(values: readonly number[]): Spread {
	const sorted = [...values].sort((a, b) => a - b);
	return { min: sorted[0] ?? 0, median: sorted[sorted.length >> 1] ?? 0, max: sorted.at(-1) ?? 0 };
}
