import { FIT_LABELS } from "../../api/FitVerdict.js";
import { formatBytes } from "../../api/formatBytes.js";
import { formatCount } from "../../api/formatCount.js";
import { ModelStore } from "../../models/ModelStore.js";
import { listModels } from "../../studio/listModels.js";
import type { CommandIo } from "../CommandIo.js";
import { formatTable } from "../formatTable.js";
import { localMachine } from "../localMachine.js";
import { serverClient } from "../serverClient.js";

/** `hearth ls`: every local model with what it is and whether it fits this machine. */
export async function lsCommand(options: { json?: boolean; server?: string }, io: Pick<CommandIo, "stdout">): Promise<number> {
	const store = new ModelStore();
	const client = serverClient(options.server);
	// Which are loaded is the server's to say; without a server nothing is.
	const loaded = await client
		.isRunning()
		.then((up) => (up ? client.loaded().then((l) => new Set(l.map((m) => m.id))) : new Set<string>()));
	const rows = await listModels(store, async () => (await localMachine(store.home)).memory, loaded);
	if (options.json) {
		io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
		return 0;
	}
	if (rows.length === 0) {
		io.stdout.write(`No models yet. Put GGUF files in ${store.modelsDir}/<publisher>/<repo>/, or run hearth import <file>.\n`);
		return 0;
	}
	const table = rows.map((m) =>
		m.info && !m.invalid
			? [
					m.key,
					m.info.architecture,
					formatCount(m.info.parameterCount),
					m.info.quantization,
					formatBytes(m.sizeBytes),
					String(m.info.contextLength ?? "–"),
					m.source,
					m.loaded ? "loaded" : "",
					m.fit
						? `${FIT_LABELS[m.fit]}${m.fit === "partial_gpu_offload" && m.gpuLayers !== undefined ? ` (${m.gpuLayers}/${m.info.memory.totalLayers} layers)` : ""}`
						: "–",
				]
			: [m.key, "–", "–", "–", formatBytes(m.sizeBytes), "–", m.source, "", `invalid: ${m.invalid}`],
	);
	io.stdout.write(formatTable(["MODEL", "ARCH", "PARAMS", "QUANT", "SIZE", "CONTEXT", "SOURCE", "STATE", "FIT"], table));
	return 0;
}
