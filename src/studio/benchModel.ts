import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import type { BenchReport, BenchRun, TuneObjective, TuneSummary } from "../api/native/NativeBench.js";
import { BenchStore } from "../chats/BenchStore.js";
import { withStore } from "../chats/withStore.js";
import { updateConfigFile } from "../config/readConfigFile.js";
import type { Engine } from "../engine/Engine.js";
import { type BenchGrid, type BenchWork, benchSettings, type RequestedSetting, runBench } from "./runBench.js";
import { tuneModel } from "./tuneModel.js";

/** What to measure: a grid of settings, or a tune (which chooses its own). */
export type BenchPlan =
	| { kind: "grid"; grid: Omit<BenchGrid, keyof BenchWork> }
	| { kind: "tune"; objective: TuneObjective; ctx?: number };

export interface BenchModelProgress {
	done: number;
	/** For a tune, the most it can measure (the search may stop short of it). */
	total: number;
	/** What runs now, in words. */
	label: string;
}

/** The most settings a tune measures: defaults, other thread counts, flash attention, KV cache type, 2 batch sizes, 2 parallel counts. */
const tuneTotal = (objective: TuneObjective) => 1 + 3 + 1 + 1 + 2 + (objective === "throughput" ? 2 : 0);

/**
 * Benchmarks (or tunes) a model on this machine, as `hearth bench` and `POST /hearth/bench` do:
 * measures, keeps the report in hearth.db's `bench_runs`, and — for a tune — saves the chosen
 * settings as the model's defaults in config.json, over what was saved before.
 */
export async function benchModel(
	engine: Engine,
	home: string,
	model: { key: string; path: string },
	plan: BenchPlan,
	work: BenchWork,
	onProgress: (progress: BenchModelProgress) => void = () => {},
	signal?: AbortSignal,
): Promise<BenchReport> {
	const info = await engine.describe();
	let runs: BenchRun[];
	let tune: TuneSummary | undefined;
	if (plan.kind === "tune") {
		const total = tuneTotal(plan.objective);
		onProgress({ done: 0, total, label: "" });
		const outcome = await tuneModel(
			engine,
			model.path,
			{ ...work, objective: plan.objective, cores: cpus().length, ctx: plan.ctx },
			(s) => onProgress({ done: s.done, total, label: `${s.stage}: ${describeSetting(s.setting)}` }),
			signal,
		);
		runs = outcome.runs;
		const [baseline, best] = [runs[outcome.baselineRun], runs[outcome.bestRun]] as [BenchRun, BenchRun];
		tune = {
			objective: plan.objective,
			chosen: outcome.chosen,
			baselineRun: outcome.baselineRun,
			bestRun: outcome.bestRun,
			generationSpeedup: ratio(best.tgTokensPerSecond, baseline.tgTokensPerSecond),
			promptSpeedup: ratio(best.ppTokensPerSecond, baseline.ppTokensPerSecond),
			savedFor: model.key,
		};
	} else {
		const grid: BenchGrid = { ...plan.grid, ...work };
		const total = benchSettings(grid).length;
		runs = await runBench(
			engine,
			model.path,
			grid,
			(p) => onProgress({ done: p.done, total, label: describeSetting(p.setting) }),
			signal,
		);
	}
	const report: BenchReport = {
		model: model.key,
		machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, ramBytes: totalmem(), backend: info.backend },
		engine: { name: info.name, versions: info.versions },
		promptTokens: work.promptTokens,
		generatedTokens: work.generatedTokens,
		runs,
		...(tune ? { tune } : {}),
	};
	withStore(new BenchStore(join(home, "hearth.db")), (store) => store.add(report));
	if (tune) {
		const chosen = tune.chosen;
		// The tune owns only its own fields: a context length or a draft saved before stays.
		updateConfigFile(home, (config) => ({
			...config,
			modelDefaults: { ...config.modelDefaults, [model.key]: { ...config.modelDefaults?.[model.key], ...chosen } },
		}));
	}
	return report;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 1);

export function describeSetting(s: RequestedSetting): string {
	const parts = [
		s.threads === undefined ? undefined : `${s.threads} threads`,
		s.ctx === undefined ? undefined : `ctx ${s.ctx}`,
		s.batch === undefined ? undefined : `batch ${s.batch}`,
		s.flashAttention === undefined ? undefined : `flash attention ${s.flashAttention ? "on" : "off"}`,
		s.kvCacheType === undefined ? undefined : `KV ${s.kvCacheType}`,
		`${s.parallel} parallel`,
	];
	return parts.filter(Boolean).join(", ");
}
