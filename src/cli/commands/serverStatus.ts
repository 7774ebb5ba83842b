import { formatBytes } from "../../api/formatBytes.js";
import type { CommandIo } from "../CommandIo.js";
import { formatDuration } from "../formatDuration.js";
import { serverClient } from "../serverClient.js";

/** `hearth server status`: whether the server runs, where, with what, on which machine. */
export async function serverStatusCommand(
	options: { json?: boolean; server?: string },
	io: Pick<CommandIo, "stdout">,
): Promise<number> {
	const status = await serverClient(options.server).status();
	if (options.json) {
		io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
		return 0;
	}
	const { settings, system } = status;
	const lines = [
		`Hearth ${status.version} is running at ${status.url} (up ${formatDuration(status.uptimeSeconds)})`,
		`  models:    ${settings.modelsDir}; ${settings.maxModels} at once, ${settings.parallel} requests each, idle unload after ${settings.ttlSeconds} s`,
		`  security:  ${settings.apiKeySet ? "API key required" : "no API key"}; CORS ${settings.corsOrigins.length ? settings.corsOrigins.join(", ") : "off"}`,
		`  machine:   ${system.cpu}, ${system.cores} cores, ${formatBytes(system.ramAvailableBytes)} of ${formatBytes(system.ramTotalBytes)} RAM free`,
		`  backend:   ${system.gpu.backend}${system.gpu.vramTotalBytes ? `, ${formatBytes(system.gpu.vramFreeBytes ?? 0)} of ${formatBytes(system.gpu.vramTotalBytes)} VRAM free` : ""} (HEARTH_GPU ${system.gpu.setting}; available: ${system.gpu.available.join(", ")}); ${system.engine.name} ${system.engine.nodeLlamaCpp} (llama.cpp ${system.engine.llamaCpp})`,
		`  loaded:    ${status.loaded.length ? status.loaded.map((m) => m.id).join(", ") : "none"}`,
	];
	io.stdout.write(`${lines.join("\n")}\n`);
	return 0;
}
