import { formatBytes } from "../../api/formatBytes.js";
import type { CommandIo } from "../CommandIo.js";
import { formatDuration } from "../formatDuration.js";
import { formatTable } from "../formatTable.js";
import { serverClient } from "../serverClient.js";

/** `hearth ps`: the models the server holds in memory. */
export async function psCommand(options: { json?: boolean; server?: string }, io: Pick<CommandIo, "stdout">): Promise<number> {
	const loaded = await serverClient(options.server).loaded();
	if (options.json) {
		io.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
		return 0;
	}
	if (loaded.length === 0) {
		io.stdout.write("No model is loaded.\n");
		return 0;
	}
	const rows = loaded.map((m) => [
		m.id,
		String(m.contextLength),
		String(m.parallel),
		m.gpu === "cpu" ? `cpu, ${m.threads} threads` : `${m.gpu}, ${m.gpuLayers} layers`,
		m.memoryBytes === undefined ? "–" : formatBytes(m.memoryBytes),
		m.inFlight > 0 ? `busy (${m.inFlight}${m.queued > 0 ? `, ${m.queued} queued` : ""})` : formatDuration(m.idleMs / 1000),
		m.expiresAt === undefined ? "–" : `in ${formatDuration((m.expiresAt - Date.now()) / 1000)}`,
	]);
	io.stdout.write(formatTable(["MODEL", "CONTEXT", "PARALLEL", "BACKEND", "MEMORY", "IDLE", "UNLOADS"], rows));
	return 0;
}
