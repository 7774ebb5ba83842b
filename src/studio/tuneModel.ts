import type { BenchRun, TunedSettings, TuneObjective } from "../api/native/NativeBench.js";
import type { Engine } from "../engine/Engine.js";
import { ModelTooLargeError } from "../engine/errors/ModelTooLargeError.js";
import { UnsupportedKvCacheTypeError } from "../engine/errors/UnsupportedKvCacheTypeError.js";
import { type BenchWork, measureSetting, type RequestedSetting } from "./runBench.js";

export interface TuneStep {
	/** What this measurement varies. */
	stage: "defaults" | "threads" | "flash attention" | "kv cache" | "batch" | "parallel";
	setting: RequestedSetting;
	/** Measurements done before this one. */
	done: number;
}

export interface TuneOutcome {
	runs: BenchRun[];
	/** Index in `runs` of the engine's defaults, and of the winner. */
	baselineRun: number;
	bestRun: number;
	chosen: TunedSettings;
}

/** Speeds this close are a tie: below the noise of one short run. */
const TIE = 0.03;

/**
 * Whether `a` beats `b`: by generation speed (one stream's, or all streams' for throughput),
 * with prompt speed deciding when generation ties.
 */
function beats(a: BenchRun, b: BenchRun): boolean {
	if (a.tgTokensPerSecond > b.tgTokensPerSecond * (1 + TIE)) return true;
	if (b.tgTokensPerSecond > a.tgTokensPerSecond * (1 + TIE)) return false;
	return a.ppTokensPerSecond > b.ppTokensPerSecond;
}

/** Thread counts worth trying on `cores`: every count up to 4, else halvings down from the cores. */
export function threadCandidates(cores: number): number[] {
	if (cores <= 4) return Array.from({ length: cores }, (_, i) => i + 1);
	const counts = new Set<number>();
	for (let n = cores; n >= 1 && counts.size < 4; n = Math.floor(n / 2)) counts.add(n);
	return [...counts].sort((a, b) => a - b);
}

/**
 * Finds the fastest load settings for a model on this machine, one dimension at a time from the
 * engine's defaults: threads, then flash attention (the 2–4× trap at depth, see engine-notes), then
 * a q8_0 KV cache (less memory to read per token at depth), then batch size (prompt speed), then — for the throughput objective — parallel streams, skipping
 * counts whose KV cache does not fit. Every measurement generates after a `work.promptTokens`
 * prompt, a chat's usual depth, because flash attention that wins on an empty context can lose
 * several times over at 512 tokens. A coordinate search measures 7–10 settings where the whole grid
 * would be 40 or more; each dimension's best is kept for the next.
 */
export async function tuneModel(
	engine: Engine,
	modelPath: string,
	options: BenchWork & { objective: TuneObjective; cores: number; ctx?: number },
	onStep: (step: TuneStep) => void = () => {},
	signal?: AbortSignal,
): Promise<TuneOutcome> {
	const runs: BenchRun[] = [];
	const measure = async (stage: TuneStep["stage"], setting: RequestedSetting): Promise<BenchRun | undefined> => {
		onStep({ stage, setting, done: runs.length });
		try {
			const run = await measureSetting(engine, modelPath, { ctx: options.ctx, ...setting }, options, signal);
			runs.push(run);
			return run;
		} catch (error) {
			if (error instanceof ModelTooLargeError) return undefined; // a parallel count whose cache does not fit
			if (error instanceof UnsupportedKvCacheTypeError) return undefined; // a head size q8_0 cannot hold
			// node-llama-cpp calls its cache types experimental: one that fails here (even by crashing
			// its runner, which takes nothing else down) is simply not a candidate.
			if (stage === "kv cache" && !signal?.aborted) return undefined;
			throw error;
		}
	};
	const baseline = await measure("defaults", { parallel: 1 });
	if (!baseline) throw new Error("the model does not fit in memory with its default settings");
	let best = baseline;
	const settingOf = (run: BenchRun): RequestedSetting => ({
		threads: run.threads,
		flashAttention: run.flashAttention,
		batch: run.batch,
		kvCacheType: run.kvCacheType,
		parallel: run.parallel,
	});
	const tryAll = async (stage: TuneStep["stage"], variants: RequestedSetting[]) => {
		for (const variant of variants) {
			const run = await measure(stage, variant);
			if (run && beats(run, best)) best = run;
		}
	};
	await tryAll(
		"threads",
		threadCandidates(options.cores)
			.filter((t) => t !== baseline.threads)
			.map((threads) => ({ ...settingOf(best), threads })),
	);
	await tryAll("flash attention", [{ ...settingOf(best), flashAttention: !best.flashAttention }]);
	// q8_0 only: it keeps answers as good as f16 (llama.cpp's perplexity tests); q4_0 would trade
	// quality for speed, which is the user's call, not a tune's.
	if ((best.kvCacheType ?? "f16") === "f16") await tryAll("kv cache", [{ ...settingOf(best), kvCacheType: "q8_0" }]);
	await tryAll(
		"batch",
		[128, 1024].filter((b) => b !== best.batch).map((batch) => ({ ...settingOf(best), batch })),
	);
	if (options.objective === "throughput")
		await tryAll(
			"parallel",
			[2, 4].map((parallel) => ({ ...settingOf(best), parallel })),
		);
	const chosen: TunedSettings = {
		threads: best.threads,
		flashAttention: best.flashAttention ?? false,
		...(best.batch === undefined ? {} : { batchSize: best.batch }),
		...(best.kvCacheType === undefined ? {} : { kvCacheType: best.kvCacheType }),
		...(options.objective === "throughput" ? { parallel: best.parallel } : {}),
	};
	return { runs, baselineRun: 0, bestRun: runs.indexOf(best), chosen };
}
