import cliProgress from "cli-progress";
import type { HearthClient } from "../../api/HearthClient.js";
import type { LoadingModelView, LoadRequest } from "../../api/native/NativeModels.js";
import type { CommandIo } from "../CommandIo.js";
import { serverClient } from "../serverClient.js";

/** Each load stage as the progress bar names it. */
const STAGE_LABELS: Record<LoadingModelView["progress"]["stage"], string> = {
	starting: "starting",
	weights: "reading weights",
	tuning: "measuring kernels (once per model)",
	context: "context",
};

export interface LoadCommandOptions {
	ctx?: number;
	gpuLayers?: LoadRequest["gpuLayers"];
	ttl?: number;
	parallel?: number;
	threads?: number;
	kvCache?: LoadRequest["kvCacheType"];
	draft?: string;
	promptLookup?: boolean;
	force?: boolean;
	server?: string;
	json?: boolean;
}

/** `hearth load <model>`: loads a model in the server with these settings, with a progress bar on a terminal. */
export async function loadCommand(
	model: string,
	options: LoadCommandOptions,
	io: Pick<CommandIo, "stdout" | "stderr">,
): Promise<number> {
	const client = serverClient(options.server);
	const loading = client.load({
		model,
		contextLength: options.ctx,
		gpuLayers: options.gpuLayers,
		ttlSeconds: options.ttl,
		parallel: options.parallel,
		threads: options.threads,
		kvCacheType: options.kvCache,
		draft: options.draft,
		promptLookup: options.promptLookup,
		force: options.force,
	});
	const loaded = io.stderr.isTTY ? await withProgressBar(client, model, loading, io.stderr) : await loading;
	if (options.json) io.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
	else
		io.stdout.write(
			`Loaded ${loaded.id} in ${(loaded.loadTimeMs / 1000).toFixed(1)} s: context ${loaded.contextLength}, ${loaded.parallel} parallel, ${loaded.gpu}${loaded.gpu === "cpu" ? ` (${loaded.threads} threads)` : ` (${loaded.gpuLayers} layers)`}, unloads after ${loaded.ttlSeconds} s idle\n`,
		);
	return 0;
}

/** Shows the server's load progress for this model until `loading` settles. */
async function withProgressBar<T>(
	client: HearthClient,
	model: string,
	loading: Promise<T>,
	stream: NodeJS.WriteStream,
): Promise<T> {
	const bar = new cliProgress.SingleBar(
		{ format: " {bar} {percentage}% | {stage}", hideCursor: true, stream, barsize: 30 },
		cliProgress.Presets.shades_classic,
	);
	let started = false;
	const wanted = model.toLowerCase();
	const poll = setInterval(() => {
		client.loading().then(
			(models) => {
				// The server knows models by full key; the user may have typed the short one.
				const entry = models.find((m) => m.id.toLowerCase() === wanted || m.id.toLowerCase().endsWith(`/${wanted}.gguf`));
				if (!entry) return;
				const payload = { stage: STAGE_LABELS[entry.progress.stage] };
				if (!started) bar.start(100, 0, payload);
				started = true;
				bar.update(Math.round(entry.progress.fraction * 100), payload);
			},
			() => {},
		);
	}, 250);
	try {
		const result = await loading;
		if (started) bar.update(100);
		return result;
	} finally {
		clearInterval(poll);
		if (started) bar.stop();
	}
}
