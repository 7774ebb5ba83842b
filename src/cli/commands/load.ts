import type { LoadRequest } from "../../api/native/NativeModels.js";
import { serverClient } from "../serverClient.js";
import type { CommandIo } from "./chat.js";

export interface LoadCommandOptions {
	ctx?: number;
	gpuLayers?: LoadRequest["gpuLayers"];
	ttl?: number;
	parallel?: number;
	threads?: number;
	force?: boolean;
	server?: string;
	json?: boolean;
}

/** `hearth load <model>`: loads a model in the server with these settings. */
export async function loadCommand(model: string, options: LoadCommandOptions, io: Pick<CommandIo, "stdout">): Promise<number> {
	const loaded = await serverClient(options.server).load({
		model,
		contextLength: options.ctx,
		gpuLayers: options.gpuLayers,
		ttlSeconds: options.ttl,
		parallel: options.parallel,
		threads: options.threads,
		force: options.force,
	});
	if (options.json) io.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
	else
		io.stdout.write(
			`Loaded ${loaded.id} in ${(loaded.loadTimeMs / 1000).toFixed(1)} s: context ${loaded.contextLength}, ${loaded.parallel} parallel, ${loaded.gpu}${loaded.gpu === "cpu" ? ` (${loaded.threads} threads)` : ` (${loaded.gpuLayers} layers)`}, unloads after ${loaded.ttlSeconds} s idle\n`,
		);
	return 0;
}
