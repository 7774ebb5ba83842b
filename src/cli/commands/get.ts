import { createInterface } from "node:readline/promises";
import cliProgress from "cli-progress";
import { FIT_LABELS } from "../../api/FitVerdict.js";
import { formatBytes } from "../../api/formatBytes.js";
import { formatCount } from "../../api/formatCount.js";
import { DownloadManager } from "../../hub/DownloadManager.js";
import { HubClient } from "../../hub/HubClient.js";
import { parseModelSpec } from "../../hub/modelSpec.js";
import { ModelStore } from "../../models/ModelStore.js";
import { planDownload } from "../../studio/planDownload.js";
import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";
import { formatDuration } from "../formatDuration.js";
import { formatTable } from "../formatTable.js";
import { localMachine } from "../localMachine.js";

/**
 * `hearth get [<repo>[@<quant>|/<file>]]`: shows the repo's GGUF files with size, quantization and
 * whether each fits, then downloads the one asked for (or the recommended one) with a progress bar.
 * Ctrl+C leaves a .part; the same command resumes it.
 */
export async function getCommand(
	spec: string | undefined,
	options: { yes?: boolean; json?: boolean },
	io: CommandIo,
): Promise<number> {
	const hub = new HubClient();
	const store = new ModelStore();
	const manager = new DownloadManager(hub, store.modelsDir);
	const {
		repo,
		listing,
		file: chosen,
		downloaded,
	} = await planDownload(hub, manager, parseModelSpec(spec), (await localMachine(store.home)).memory);
	const out = options.json ? io.stderr : io.stdout;
	if (listing.header)
		out.write(
			`${repo}: ${listing.header.architecture}, ${formatCount(listing.header.parameterCount)} parameters, context ${listing.header.contextLength ?? "?"}\n`,
		);
	out.write(
		formatTable(
			["FILE", "SIZE", "QUANT", "FIT", ""],
			listing.files.map((f) => [
				f.path + (f.parts.length > 1 ? ` (+${f.parts.length - 1} parts)` : ""),
				formatBytes(f.sizeBytes),
				f.quantization ?? "?",
				FIT_LABELS[f.fit],
				[f === chosen ? "← selected" : "", f.recommended ? "(recommended)" : ""].filter(Boolean).join(" "),
			]),
		),
	);

	const record = (resumedBytes: number) => ({
		key: `${repo}/${chosen.path}`,
		repo,
		file: chosen.path,
		quantization: chosen.quantization,
		path: manager.destination(repo, chosen.path),
		sizeBytes: chosen.sizeBytes,
		sha256: chosen.parts.length === 1 ? chosen.parts[0].sha256 : undefined,
		resumedBytes,
	});
	if (downloaded) {
		out.write(`Already downloaded: ${repo}/${chosen.path}\n`);
		if (options.json) io.stdout.write(`${JSON.stringify(record(0), null, 2)}\n`);
		return 0;
	}
	if (chosen.fit === "will_not_fit") out.write(`warning: ${chosen.path} will not fit this machine's free memory\n`);
	if (!options.yes) {
		if (!(io.stdin as { isTTY?: boolean }).isTTY) throw new CliError("not downloading without confirmation; add --yes");
		const rl = createInterface({ input: io.stdin, output: io.stdout });
		const answer = await rl.question(`Download ${chosen.path} (${formatBytes(chosen.sizeBytes)})? [Y/n] `);
		rl.close();
		if (/^n(o)?$/i.test(answer.trim())) return 1;
	}

	const job = manager.start(repo, chosen);
	const bar = new cliProgress.SingleBar(
		{
			format: " {bar} {percentage}% | {done}/{all} | {speed}/s | ETA {etaText}",
			hideCursor: true,
			stream: io.stderr,
			barsize: 30,
		},
		cliProgress.Presets.shades_classic,
	);
	const payload = () => ({
		done: formatBytes(job.progress.bytes),
		all: formatBytes(chosen.sizeBytes),
		speed: formatBytes(job.progress.bytesPerSecond),
		etaText: job.progress.etaSeconds === undefined ? "–" : formatDuration(job.progress.etaSeconds),
	});
	bar.start(chosen.sizeBytes, job.progress.bytes, payload());
	job.onChange((j) => bar.update(j.progress.bytes, payload()));
	const cancel = () => job.cancel();
	process.on("SIGINT", cancel);
	try {
		const result = await job.done;
		bar.stop();
		if (options.json) io.stdout.write(`${JSON.stringify(record(result.resumedBytes), null, 2)}\n`);
		else
			io.stdout.write(
				`Downloaded ${result.key}${result.resumedBytes ? ` (resumed, ${formatBytes(result.resumedBytes)} were already here)` : ""}\nChat with it: hearth chat ${result.key}\n`,
			);
		return 0;
	} catch (error) {
		bar.stop();
		if (job.state === "cancelled") {
			io.stderr.write(
				`Paused at ${formatBytes(job.progress.bytes)} of ${formatBytes(chosen.sizeBytes)}; run the same command again to resume.\n`,
			);
			return 130;
		}
		throw error;
	} finally {
		process.off("SIGINT", cancel);
	}
}
