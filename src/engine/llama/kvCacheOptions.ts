import { createHash } from "node:crypto";
import { accessSync, constants, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { KvCacheOptions } from "./KvStateCache.js";
import { type ProbeSubject, subjectKey } from "./subjectKey.js";

/** Linux's RAM-backed file system for shared memory; where there is none, states go to disk (and the page cache). */
const RAM_FILE_SYSTEM = "/dev/shm";

/**
 * The folders a model's saved KV states go to: one per model file, engine build and backend (a
 * state made by another model could crash llama.cpp), under this home's `cache/kv` and, for the RAM
 * tier, a folder of this home's on /dev/shm. undefined when both budgets are 0 or the file is unreadable.
 */
export function kvCacheOptions(
	home: string,
	subject: ProbeSubject,
	budgets: { ramMb: number; diskMb: number },
): KvCacheOptions | undefined {
	if (budgets.ramMb === 0 && budgets.diskMb === 0) return undefined;
	// Threads change speed, not the state's layout.
	const key = subjectKey({ ...subject, threads: undefined });
	if (key === undefined) return undefined;
	const name = key.slice(0, 24);
	const ramRoot = writableFolder(RAM_FILE_SYSTEM)
		? join(RAM_FILE_SYSTEM, `hearth-kv-${createHash("sha256").update(resolve(home)).digest("hex").slice(0, 12)}`)
		: undefined;
	return {
		ramDir: ramRoot && budgets.ramMb > 0 ? join(ramRoot, name) : undefined,
		diskDir: budgets.diskMb > 0 ? join(home, "cache", "kv", name) : undefined,
		ramBudgetBytes: budgets.ramMb * 2 ** 20,
		diskBudgetBytes: budgets.diskMb * 2 ** 20,
	};
}

function writableFolder(path: string): boolean {
	try {
		accessSync(path, constants.W_OK);
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}
