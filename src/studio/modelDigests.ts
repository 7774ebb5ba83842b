import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { LocalModel } from "../models/ModelStore.js";

interface Saved {
	size: number;
	mtimeMs: number;
	sha256: string;
}

/**
 * The sha256 of each model's (first) file, as Ollama's `digest` reports it: read from the name of
 * an Ollama blob (`sha256-<hex>`), else hashed once and kept in `$HEARTH_HOME/cache/digests.json`
 * while the file's size and modification time stay the same. Hashing reads the whole file (about
 * 1 GB/s), so only the first listing after a download pays for it.
 */
export async function modelDigests(home: string, models: readonly LocalModel[]): Promise<Map<string, string>> {
	const file = join(home, "cache", "digests.json");
	let saved: Record<string, Saved> = {};
	try {
		saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, Saved>;
	} catch {
		// no cache yet
	}
	const digests = new Map<string, string>();
	const next: Record<string, Saved> = {};
	let changed = false;
	for (const model of models) {
		const blob = /^sha256-([0-9a-f]{64})$/.exec(basename(model.path));
		if (blob) {
			digests.set(model.key, blob[1]);
			continue;
		}
		const stat = statSync(model.path, { throwIfNoEntry: false });
		if (!stat) continue;
		const known = saved[model.path];
		const fresh = known && known.size === stat.size && known.mtimeMs === stat.mtimeMs;
		const sha256 = fresh ? known.sha256 : await hashFile(model.path);
		changed ||= !fresh;
		next[model.path] = { size: stat.size, mtimeMs: stat.mtimeMs, sha256 };
		digests.set(model.key, sha256);
	}
	if (changed || Object.keys(saved).length !== Object.keys(next).length) {
		try {
			mkdirSync(dirname(file), { recursive: true });
			writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(next));
			renameSync(`${file}.${process.pid}.tmp`, file);
		} catch {
			// an unwritable cache only means hashing again next time
		}
	}
	return digests;
}

function hashFile(path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash("sha256");
		createReadStream(path)
			.on("data", (chunk) => hash.update(chunk))
			.on("error", reject)
			.on("end", () => resolve(hash.digest("hex")));
	});
}
