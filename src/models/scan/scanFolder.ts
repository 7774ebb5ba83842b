import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { groupSplitParts } from "./groupSplitParts.js";
import type { ModelFiles, ModelSourceKind } from "./ModelFiles.js";

const MAX_DEPTH = 6;

/**
 * Finds GGUF models under a folder laid out as LM Studio lays it out
 * (`<publisher>/<repo>/<file>.gguf`); other depths are accepted too, keyed by their relative path.
 * Vision projectors (`mmproj` files) are not chat models and are skipped.
 */
export async function scanFolder(root: string, source: ModelSourceKind): Promise<ModelFiles[]> {
	const files: string[] = [];
	await walk(root, 0, files);
	const byFolder = new Map<string, string[]>();
	for (const file of files) {
		const folder = file.slice(0, file.lastIndexOf(sep));
		byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
	}
	const models: ModelFiles[] = [];
	for (const group of [...byFolder.values()].flatMap(groupSplitParts)) {
		models.push({
			key: relative(root, group.first).split(sep).join("/"),
			shortKey: group.baseName.toLowerCase(),
			source,
			root,
			paths: group.paths,
			problem: group.problem,
		});
	}
	return models;
}

async function walk(dir: string, depth: number, out: string[]): Promise<void> {
	let entries: import("node:fs").Dirent[];
	try {
		entries = await readdir(dir, { withFileTypes: true });
	} catch {
		return; // a folder that does not exist (yet) or cannot be read holds no models
	}
	for (const entry of entries) {
		if (entry.name.startsWith(".")) continue;
		const path = join(dir, entry.name);
		if (entry.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1, out);
		else if ((entry.isFile() || entry.isSymbolicLink()) && /\.gguf$/i.test(entry.name) && !/mmproj/i.test(entry.name))
			out.push(path);
	}
}
