import { basename, dirname, join } from "node:path";

const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

export interface FileGroup {
	/** The file llama.cpp loads: the only file, or part 1. */
	first: string;
	paths: string[];
	/** The name without `.gguf` and without the `-0000N-of-0000M` suffix. */
	baseName: string;
	problem?: string;
}

/**
 * Groups `name-00001-of-00003.gguf`-style parts into one model (llama.cpp's gguf-split naming);
 * other files are models of their own. A set with parts missing is reported with the gap.
 */
export function groupSplitParts(paths: readonly string[]): FileGroup[] {
	const groups: FileGroup[] = [];
	const sets = new Map<string, { total: number; parts: Map<number, string> }>();
	for (const path of paths) {
		const match = SPLIT.exec(basename(path));
		if (!match) {
			groups.push({ first: path, paths: [path], baseName: basename(path).replace(/\.gguf$/i, "") });
			continue;
		}
		const id = join(dirname(path), `${match[1]}\0${match[3]}`);
		const set = sets.get(id) ?? { total: Number(match[3]), parts: new Map() };
		set.parts.set(Number(match[2]), path);
		sets.set(id, set);
	}
	for (const [id, set] of sets) {
		const ordered = [...set.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
		const missing = Array.from({ length: set.total }, (_, i) => i + 1).filter((n) => !set.parts.has(n));
		groups.push({
			first: set.parts.get(1) ?? ordered[0],
			paths: ordered,
			baseName: basename(id.split("\0")[0]),
			problem: missing.length ? `split model is missing part ${missing.join(", ")} of ${set.total}` : undefined,
		});
	}
	return groups;
}
