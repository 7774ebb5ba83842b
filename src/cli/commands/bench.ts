import cliProgress from "cli-progress";
import { formatBytes } from "../../api/formatBytes.js";
import type { BenchReport, BenchRun, TuneObjective, TuneSummary } from "../../api/native/NativeBench.js";
import type { KvCacheType } from "../../api/native/NativeModels.js";
import { readSetting } from "../../config/settings.js";
import type { Engine } from "../../engine/Engine.js";
import { ModelStore } from "../../models/ModelStore.js";
import { type BenchPlan, benchModel } from "../../studio/benchModel.js";
import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";
import { formatTable } from "../formatTable.js";

export interface BenchCommandOptions {
	threads?: number[];
	ctx?: number[];
	batch?: number[];
	kvCache?: KvCacheType[];
	parallel?: number[];
	/** Default 256, or 512 with --tune (generation at a chat's depth). */
	prompt?: number;
	/** Default 64, or 32 with --tune. */
	gen?: number;
	/** Default 2, or 1 with --tune. */
	reps?: number;
	tune?: boolean;
	objective?: TuneObjective;
	json?: boolean;
}

/** The engine a benchmark runs on, made only when one runs (tests may give a FakeEngine). */
export type BenchEngineFactory = () => Promise<Engine>;

async function llamaCppEngine() {
	const { LlamaCppEngine } = await import("../../engine/llama/LlamaCppEngine.js");
	// Nothing kept between runs: every repetition must evaluate its prompt.
	return new LlamaCppEngine({ kvCache: { ramMb: 0, diskMb: 0 }, promptLookup: false });
}

/**
 * `hearth bench <model>`: loads the model at each setting of the grid, in a runner process like any
 * load, and reports load time, prompt and generation speed, time to first token and peak memory
 * (min/median/max over the repetitions in --json). With --tune it searches the settings itself
 * (tuneModel), saves the fastest as the model's defaults and says by how much they beat the
 * engine's. The results are kept in hearth.db (`bench_runs`).
 */
export async function benchCommand(
	identifier: string,
	options: BenchCommandOptions,
	io: Pick<CommandIo, "stdout" | "stderr">,
	makeEngine: BenchEngineFactory = llamaCppEngine,
): Promise<number> {
	if (options.tune && (options.threads || options.batch || options.kvCache || options.parallel || (options.ctx?.length ?? 0) > 1))
		throw new CliError("--tune chooses threads, batch, KV cache and parallel itself; give at most one --ctx and no other lists");
	if (options.objective && !options.tune) throw new CliError("--objective applies to --tune only");
	const model = await new ModelStore().resolve(identifier, { anyPath: true });
	const work = {
		promptTokens: options.prompt ?? (options.tune ? 512 : 256),
		generatedTokens: options.gen ?? (options.tune ? 32 : 64),
		reps: options.reps ?? (options.tune ? 1 : 2),
	};
	const plan: BenchPlan = options.tune
		? { kind: "tune", objective: options.objective ?? "generation", ctx: options.ctx?.[0] }
		: {
				kind: "grid",
				grid: {
					threads: options.threads ?? [undefined],
					ctx: options.ctx ?? [undefined],
					batch: options.batch ?? [undefined],
					kvCacheType: options.kvCache,
					parallel: options.parallel ?? [1],
				},
			};
	const engine = await makeEngine();
	const bar = io.stderr.isTTY
		? new cliProgress.SingleBar(
				{ format: " {bar} {value}/{total} settings | {setting}", hideCursor: true, stream: io.stderr, barsize: 30 },
				cliProgress.Presets.shades_classic,
			)
		: undefined;
	let report: BenchReport;
	try {
		report = await benchModel(engine, readSetting("home"), model, plan, work, (p) => {
			if (!bar) return;
			if (bar.getTotal() !== p.total) bar.start(p.total, p.done, { setting: p.label });
			else bar.update(p.done, { setting: p.label });
		});
	} finally {
		bar?.stop();
		await engine.dispose();
	}
	io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
	return 0;
}

function formatReport(report: BenchReport): string {
	const { machine, engine } = report;
	const head =
		`${report.model}\n${machine.cpu}, ${machine.cores} cores, ${formatBytes(machine.ramBytes)} RAM, ${machine.backend}; ` +
		`${engine.name} ${Object.entries(engine.versions)
			.map(([k, v]) => `${k} ${v}`)
			.join(", ")}\n` +
		`prompt ${report.promptTokens} tokens, ${report.generatedTokens} generated, median of ${report.runs[0]?.reps ?? 0}\n\n`;
	const onGpu = report.runs.some((r) => r.peakVramBytes !== undefined);
	const rows = report.runs.map((r) => [
		String(r.threads),
		String(r.ctx),
		r.batch === undefined ? "–" : String(r.batch),
		r.flashAttention === undefined ? "–" : r.flashAttention ? "on" : "off",
		r.kvCacheType ?? "f16",
		String(r.parallel),
		`${(r.loadMs / 1000).toFixed(1)} s`,
		r.ppTokensPerSecond.toFixed(1),
		r.tgTokensPerSecond.toFixed(1),
		`${Math.round(r.ttftMs)} ms`,
		r.peakRssBytes === undefined ? "–" : formatBytes(r.peakRssBytes),
		// On a GPU only: the column is left out on the CPU.
		...(onGpu ? [r.peakVramBytes === undefined ? "–" : formatBytes(r.peakVramBytes)] : []),
	]);
	const table = formatTable(
		[
			...["THREADS", "CTX", "BATCH", "FLASH", "KV", "PARALLEL", "LOAD", "PP TOK/S", "TG TOK/S", "TTFT", "PEAK RSS"],
			...(onGpu ? ["VRAM"] : []),
		],
		rows,
	);
	return head + table + (report.tune ? formatTune(report.tune, report.runs) : "");
}

function formatTune(tune: TuneSummary, runs: BenchRun[]): string {
	const { chosen } = tune;
	const [baseline, best] = [runs[tune.baselineRun], runs[tune.bestRun]] as [BenchRun, BenchRun];
	const settings = [
		`${chosen.threads} threads`,
		`flash attention ${chosen.flashAttention ? "on" : "off"}`,
		`KV cache ${chosen.kvCacheType ?? "f16"}`,
		...(chosen.batchSize === undefined ? [] : [`batch ${chosen.batchSize}`]),
		...(chosen.parallel === undefined ? [] : [`${chosen.parallel} parallel`]),
	].join(", ");
	const what = tune.objective === "throughput" ? "throughput" : "generation";
	if (tune.bestRun === tune.baselineRun)
		return (
			`\nThe defaults are already the fastest measured (${settings}): ${what} ${best.tgTokensPerSecond.toFixed(1)} tok/s, ` +
			`prompt ${best.ppTokensPerSecond.toFixed(1)} tok/s.\nSaved as the defaults of ${tune.savedFor} (config.json), so later loads skip measuring.\n`
		);
	return (
		`\nChose ${settings}: ${what} ${best.tgTokensPerSecond.toFixed(1)} tok/s, ${tune.generationSpeedup.toFixed(2)}× the defaults' ` +
		`${baseline.tgTokensPerSecond.toFixed(1)}; prompt ${best.ppTokensPerSecond.toFixed(1)} tok/s (${tune.promptSpeedup.toFixed(2)}×).\n` +
		`Saved as the defaults of ${tune.savedFor} (config.json), used whenever it is loaded.\n`
	);
}
