import { readFileSync } from "node:fs";
import type { LoadedModelView } from "../../../api/native/NativeModels.js";
import type { ScheduledModel } from "../../../engine/Scheduler.js";

/** A loaded model as the native API shows it, with its runner's resident memory. */
export function loadedView(m: ScheduledModel): LoadedModelView {
	return { ...m, memoryBytes: residentBytes(m.pid) };
}

function residentBytes(pid: number): number | undefined {
	try {
		const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}
