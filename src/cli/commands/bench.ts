import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { formatBytes } from "../../api/formatBytes.js";
import type { BenchReport, BenchRun } from "../../api/native/NativeBench.js";
import { BenchStore } from "../../chats/BenchStore.js";
import { withStore } from "../../chats/withStore.js";
import { readSetting } from "../../config/settings.js";
import type { Engine } from "../../engine/Engine.js";
import { ModelStore } from "../../models/ModelStore.js";
import { type BenchGrid, benchSettings, type RequestedSetting, runBench } from "../../studio/runBench.js";
import type { CommandIo } from "../CommandIo.js";
import { formatTable } from "../formatTable.js";

export interface BenchCommandOptions {
	threads?: number[];
	ctx?: number[];
	batch?: number[];
	parallel?: number[];
	prompt: number;
	gen: number;
	reps: number;
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
 * (min/median/max over the repetitions in --json). The results are kept in hearth.db (`bench_runs`).
 */
export async function benchCommand(
	identifier: string,
	options: BenchCommandOptions,
	io: Pick<CommandIo, "stdout" | "stderr">,
	makeEngine: BenchEngineFactory = llamaCppEngine,
): Promise<number> {
	const model = await new ModelStore().resolve(identifier, { anyPath: true });
	const grid: BenchGrid = {
		threads: options.threads ?? [undefined],
		ctx: options.ctx ?? [undefined],
		batch: options.batch ?? [undefined],
		parallel: options.parallel ?? [1],
		promptTokens: options.prompt,
		generatedTokens: options.gen,
		reps: options.reps,
	};
	const engine = await makeEngine();
	const info = await engine.describe();
	const bar = io.stderr.isTTY
		? new cliProgress.SingleBar(
				{ format: " {bar} {value}/{total} settings | {setting}", hideCursor: true, stream: io.stderr, barsize: 30 },
				cliProgress.Presets.shades_classic,
			)
		: undefined;
	bar?.start(benchSettings(grid).length, 0, { setting: "" });
	let runs: BenchRun[];
	try {
		runs = await runBench(engine, model.path, grid, (p) => bar?.update(p.done, { setting: describeSetting(p.setting) }));
	} finally {
		bar?.stop();
		await engine.dispose();
	}
	const report: BenchReport = {
		model: model.key,
		machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, ramBytes: totalmem(), backend: info.backend },
		engine: { name: info.name, versions: info.versions },
		promptTokens: options.prompt,
		generatedTokens: options.gen,
		runs,
	};
	withStore(new BenchStore(join(readSetting("home"), "hearth.db")), (store) => store.add(report));
	io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
	return 0;
}

function describeSetting(s: RequestedSetting): string {
	const parts = [
		s.threads === undefined ? undefined : `${s.threads} threads`,
		s.ctx === undefined ? undefined : `ctx ${s.ctx}`,
		s.batch === undefined ? undefined : `batch ${s.batch}`,
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
		String(r.parallel),
		`${(r.loadMs / 1000).toFixed(1)} s`,
		r.ppTokensPerSecond.toFixed(1),
		r.tgTokensPerSecond.toFixed(1),
		`${Math.round(r.ttftMs)} ms`,
		r.peakRssBytes === undefined ? "–" : formatBytes(r.peakRssBytes),
	]);
	return head + formatTable(["THREADS", "CTX", "BATCH", "PARALLEL", "LOAD", "PP TOK/S", "TG TOK/S", "TTFT", "PEAK RSS"], rows);
}
