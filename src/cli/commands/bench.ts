import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { formatBytes } from "../../api/formatBytes.js";
import type { BenchReport, BenchRun, TuneObjective, TuneSummary } from "../../api/native/NativeBench.js";
import { BenchStore } from "../../chats/BenchStore.js";
import { withStore } from "../../chats/withStore.js";
import { updateConfigFile } from "../../config/readConfigFile.js";
import { readSetting } from "../../config/settings.js";
import type { Engine } from "../../engine/Engine.js";
import { ModelStore } from "../../models/ModelStore.js";
import { type BenchGrid, benchSettings, type RequestedSetting, runBench } from "../../studio/runBench.js";
import { tuneModel } from "../../studio/tuneModel.js";
import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";
import { formatTable } from "../formatTable.js";

export interface BenchCommandOptions {
	threads?: number[];
	ctx?: number[];
	batch?: number[];
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
	if (options.tune && (options.threads || options.batch || options.parallel || (options.ctx?.length ?? 0) > 1))
		throw new CliError("--tune chooses threads, batch and parallel itself; give at most one --ctx and no other lists");
	if (options.objective && !options.tune) throw new CliError("--objective applies to --tune only");
	const model = await new ModelStore().resolve(identifier, { anyPath: true });
	const work = {
		promptTokens: options.prompt ?? (options.tune ? 512 : 256),
		generatedTokens: options.gen ?? (options.tune ? 32 : 64),
		reps: options.reps ?? (options.tune ? 1 : 2),
	};
	const grid: BenchGrid = {
		threads: options.threads ?? [undefined],
		ctx: options.ctx ?? [undefined],
		batch: options.batch ?? [undefined],
		parallel: options.parallel ?? [1],
		...work,
	};
	const engine = await makeEngine();
	const info = await engine.describe();
	const bar = io.stderr.isTTY
		? new cliProgress.SingleBar(
				{ format: " {bar} {value}/{total} settings | {setting}", hideCursor: true, stream: io.stderr, barsize: 30 },
				cliProgress.Presets.shades_classic,
			)
		: undefined;
	let runs: BenchRun[];
	let tune: TuneSummary | undefined;
	try {
		if (options.tune) {
			const objective = options.objective ?? "generation";
			// The search's length depends on what wins; the bar counts the most it can measure.
			bar?.start(objective === "throughput" ? 9 : 7, 0, { setting: "" });
			const outcome = await tuneModel(
				engine,
				model.path,
				{ ...work, objective, cores: cpus().length, ctx: options.ctx?.[0] },
				(s) => bar?.update(s.done, { setting: `${s.stage}: ${describeSetting(s.setting)}` }),
			);
			runs = outcome.runs;
			const [baseline, best] = [runs[outcome.baselineRun], runs[outcome.bestRun]] as [BenchRun, BenchRun];
			tune = {
				objective,
				chosen: outcome.chosen,
				baselineRun: outcome.baselineRun,
				bestRun: outcome.bestRun,
				generationSpeedup: ratio(best.tgTokensPerSecond, baseline.tgTokensPerSecond),
				promptSpeedup: ratio(best.ppTokensPerSecond, baseline.ppTokensPerSecond),
				savedFor: model.key,
			};
		} else {
			bar?.start(benchSettings(grid).length, 0, { setting: "" });
			runs = await runBench(engine, model.path, grid, (p) => bar?.update(p.done, { setting: describeSetting(p.setting) }));
		}
	} finally {
		bar?.stop();
		await engine.dispose();
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
	const home = readSetting("home");
	withStore(new BenchStore(join(home, "hearth.db")), (store) => store.add(report));
	if (tune) {
		const chosen = tune.chosen;
		// Merged over what the user saved before (context length, a draft…): the tune owns only its own fields.
		updateConfigFile(home, (config) => ({
			...config,
			modelDefaults: { ...config.modelDefaults, [model.key]: { ...config.modelDefaults?.[model.key], ...chosen } },
		}));
	}
	io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
	return 0;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 1);

function describeSetting(s: RequestedSetting): string {
	const parts = [
		s.threads === undefined ? undefined : `${s.threads} threads`,
		s.ctx === undefined ? undefined : `ctx ${s.ctx}`,
		s.batch === undefined ? undefined : `batch ${s.batch}`,
		s.flashAttention === undefined ? undefined : `flash attention ${s.flashAttention ? "on" : "off"}`,
		`${s.parallel} parallel`,
	];
	return parts.filter(Boolean).join(", ");
}

function formatReport(report: BenchReport): string {
	const { machine, engine } = report;
	const head =
		`${report.model}\n${machine.cpu}, ${machine.cores} cores, ${formatBytes(machine.ramBytes)} RAM, ${machine.backend}; ` +
		`${engine.name} ${Object.entries(engine.versions)
			.map(([k, v]) => `${k} ${v}`)
			.join(", ")}\n` +
		`prompt ${report.promptTokens} tokens, ${report.generatedTokens} generated, median of ${report.runs[0]?.reps ?? 0}\n\n`;
	const rows = report.runs.map((r) => [
		String(r.threads),
		String(r.ctx),
		r.batch === undefined ? "–" : String(r.batch),
		r.flashAttention === undefined ? "–" : r.flashAttention ? "on" : "off",
		String(r.parallel),
		`${(r.loadMs / 1000).toFixed(1)} s`,
		r.ppTokensPerSecond.toFixed(1),
		r.tgTokensPerSecond.toFixed(1),
		`${Math.round(r.ttftMs)} ms`,
		r.peakRssBytes === undefined ? "–" : formatBytes(r.peakRssBytes),
	]);
	const table = formatTable(
		["THREADS", "CTX", "BATCH", "FLASH", "PARALLEL", "LOAD", "PP TOK/S", "TG TOK/S", "TTFT", "PEAK RSS"],
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
		...(chosen.batchSize === undefined ? [] : [`batch ${chosen.batchSize}`]),
		...(chosen.parallel === undefined ? [] : [`${chosen.parallel} parallel`]),
	].join(", ");
	const what = tune.objective === "throughput" ? "throughput" : "generation";
	return (
		`\nChose ${settings}: ${what} ${best.tgTokensPerSecond.toFixed(1)} tok/s, ${tune.generationSpeedup.toFixed(2)}× the defaults' ` +
		`${baseline.tgTokensPerSecond.toFixed(1)}; prompt ${best.ppTokensPerSecond.toFixed(1)} tok/s (${tune.promptSpeedup.toFixed(2)}×).\n` +
		`Saved as the defaults of ${tune.savedFor} (config.json), used whenever it is loaded.\n`
	);
}
