import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ModelInfo } from "./readModelInfo.js";

interface Entry {
	size: number;
	mtimeMs: number;
	info?: ModelInfo;
	/** Why the file cannot be used, when it cannot. */
	invalid?: string;
}

const VERSION = 2;

/**
 * Header facts and validity of model files, keyed by path and trusted while the file's size and
 * modification time are unchanged, so listing many models reads no headers after the first scan.
 */
export class ModelInfoCache {
	private entries: Record<string, Entry> = {};
	private dirty = false;

	constructor(private readonly file: string) {
		try {
			const saved = JSON.parse(readFileSync(file, "utf8")) as { version?: number; entries?: Record<string, Entry> };
			if (saved.version === VERSION && saved.entries) this.entries = saved.entries;
		} catch {
			// no cache yet, or an unreadable one: start empty
		}
	}

	get(path: string, size: number, mtimeMs: number): Entry | undefined {
		const entry = this.entries[path];
		return entry && entry.size === size && entry.mtimeMs === mtimeMs ? entry : undefined;
	}

	set(path: string, entry: Entry): void {
		this.entries[path] = entry;
		this.dirty = true;
	}

	/** Drops entries of files that are gone, then writes the cache if anything changed. */
	save(seen: ReadonlySet<string>): void {
		for (const path of Object.keys(this.entries)) {
			if (!seen.has(path)) {
				delete this.entries[path];
				this.dirty = true;
			}
		}
		if (!this.dirty) return;
		try {
			mkdirSync(dirname(this.file), { recursive: true });
			const temporary = `${this.file}.${process.pid}.tmp`;
			writeFileSync(temporary, JSON.stringify({ version: VERSION, entries: this.entries }));
			renameSync(temporary, this.file);
			this.dirty = false;
		} catch {
			// a cache that cannot be written only costs time on the next listing
		}
	}
}
