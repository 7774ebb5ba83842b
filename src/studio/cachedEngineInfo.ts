import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { EngineInfo } from "../engine/Engine.js";

/** How long a CLI listing trusts what the last probe found; a server probes afresh at every start. */
const MAX_AGE_MS = 24 * 3600_000;

/**
 * The engine's description from `$HEARTH_HOME/cache/engine.json` when a probe wrote it recently
 * with the same GPU setting, else from `probe` (which loads llama.cpp's binding: ~0.5 s), saved for
 * next time. This is what lets `hearth ls` give fit verdicts without loading native code.
 */
export async function cachedEngineInfo(home: string, gpuSetting: string, probe: () => Promise<EngineInfo>): Promise<EngineInfo> {
	const path = join(home, "cache", "engine.json");
	try {
		const saved = JSON.parse(readFileSync(path, "utf8")) as { at?: number; gpu?: string; info?: EngineInfo };
		if (saved.info && saved.gpu === gpuSetting && typeof saved.at === "number" && Date.now() - saved.at < MAX_AGE_MS)
			return saved.info;
	} catch {
		// no cache yet, or an unreadable one: probe
	}
	const info = await probe();
	saveEngineInfo(home, gpuSetting, info);
	return info;
}

/** Records a probe's answer for the CLI (written aside and renamed, so a reader never sees half of it). */
export function saveEngineInfo(home: string, gpuSetting: string, info: EngineInfo): void {
	const path = join(home, "cache", "engine.json");
	try {
		mkdirSync(dirname(path), { recursive: true });
		const temporary = `${path}.${process.pid}.tmp`;
		writeFileSync(temporary, JSON.stringify({ at: Date.now(), gpu: gpuSetting, info }));
		renameSync(temporary, path);
	} catch {
		// a read-only home: the next listing probes again
	}
}
