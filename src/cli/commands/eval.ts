import { join } from "node:path";
import cliProgress from "cli-progress";
import type { EvalReport, EvalScore } from "../../api/native/NativeEval.js";
import { EvalStore } from "../../chats/EvalStore.js";
import { withStore } from "../../chats/withStore.js";
import { readSetting } from "../../config/settings.js";
import type { Engine } from "../../engine/Engine.js";
import { ModelStore } from "../../models/ModelStore.js";
import { EvalSetError, readEvalSet } from "../../studio/readEvalSet.js";
import { runEval } from "../../studio/runEval.js";
import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";
import { formatTable } from "../formatTable.js";

export interface EvalCommandOptions {
	limit?: number;
	threads?: number;
	json?: boolean;
}

const EVAL_ID = "hearth-eval";

async function llamaCppEngine(): Promise<Engine> {
	const { LlamaCppEngine } = await import("../../engine/llama/LlamaCppEngine.js");
	return new LlamaCppEngine({ kvCache: { ramMb: 0, diskMb: 0 }, promptLookup: false });
}

/**
 * `hearth eval <model> [set.jsonl]`: scores the model on a multiple-choice set (Hearth's own
 * 30-question set when none is named) by next-token probabilities, in a runner process of its own.
 * Malformed lines are reported and skipped; the run is kept in hearth.db (`eval_runs`).
 */
export async function evalCommand(
	identifier: string,
	setPath: string | undefined,
	options: EvalCommandOptions,
	io: Pick<CommandIo, "stdout" | "stderr">,
	makeEngine: () => Promise<Engine> = llamaCppEngine,
): Promise<number> {
	const model = await new ModelStore().resolve(identifier, { anyPath: true });
	const set = await readEvalSet(setPath).catch((error: unknown) => {
		throw error instanceof EvalSetError ? new CliError(error.message) : error;
	});
	for (const { line, error } of set.skipped) io.stderr.write(`hearth: ${set.name} line ${line} skipped: ${error}\n`);
	const items = options.limit === undefined ? set.items : set.items.slice(0, options.limit);
	const engine = await makeEngine();
	const bar = io.stderr.isTTY
		? new cliProgress.SingleBar(
				{ format: " {bar} {value}/{total} questions | {correct} right", hideCursor: true, stream: io.stderr, barsize: 30 },
				cliProgress.Presets.shades_classic,
			)
		: undefined;
	let report: EvalReport;
	try {
		await engine.load(model.path, { id: EVAL_ID, threads: options.threads, promptLookup: false });
		bar?.start(items.length, 0, { correct: 0 });
		const outcome = await runEval(engine, EVAL_ID, items, (p) => bar?.update(p.done, { correct: p.correct }));
		report = { model: model.key, set: set.name, skipped: set.skipped, ...outcome };
	} finally {
		bar?.stop();
		await engine.dispose();
	}
	withStore(new EvalStore(join(readSetting("home"), "hearth.db")), (store) => store.add(report));
	io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
	return 0;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
const interval = (score: EvalScore) => `${percent(score.interval95[0])}–${percent(score.interval95[1])}`;

function formatReport(report: EvalReport): string {
	const head =
		`${report.model} on ${report.set}: ${report.correct}/${report.items} correct, ${percent(report.accuracy)} ` +
		`(95 % interval ${interval(report)}), ${report.itemsPerSecond.toFixed(2)} items/s\n`;
	const subjects = Object.entries(report.bySubject);
	if (subjects.length === 0) return head;
	const rows = subjects.map(([subject, s]) => [subject, `${s.correct}/${s.items}`, percent(s.accuracy), interval(s)]);
	return `${head}\n${formatTable(["SUBJECT", "CORRECT", "ACCURACY", "95 % INTERVAL"], rows)}`;
}
