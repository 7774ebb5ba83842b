import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { groupSplitParts } from "./groupSplitParts.js";
import type { ModelFiles } from "./ModelFiles.js";

/**
 * Finds GGUF files in Hugging Face's hub cache (`models--{org}--{repo}/snapshots/{revision}/…`),
 * the files `huggingface-cli download` and `hf_hub_download` leave. The revision `refs/main`
 * points at is used when there are several.
 */
export async function scanHuggingFaceCache(hubDir: string): Promise<ModelFiles[]> {
	let repos: string[];
	try {
		repos = (await readdir(hubDir)).filter((name) => name.startsWith("models--"));
	} catch {
		return [];
	}
	const models: ModelFiles[] = [];
	for (const repoDir of repos) {
		const repoId = repoDir.slice("models--".length).split("--").join("/");
		const snapshots = join(hubDir, repoDir, "snapshots");
		const revision = await pickRevision(join(hubDir, repoDir), snapshots);
		if (!revision) continue;
		const root = join(snapshots, revision);
		const files: string[] = [];
		await collect(root, files, 0);
		for (const group of groupSplitParts(files)) {
			models.push({
				key: `${repoId}/${relative(root, group.first).split(sep).join("/")}`,
				shortKey: group.baseName.toLowerCase(),
				source: "huggingface",
				root: hubDir,
				paths: group.paths,
				problem: group.problem,
			});
		}
	}
	return models;
}

async function pickRevision(repoDir: string, snapshots: string): Promise<string | undefined> {
	const main = await readFile(join(repoDir, "refs", "main"), "utf8").then(
		(s) => s.trim(),
		() => undefined,
	);
	const revisions = await readdir(snapshots).catch(() => [] as string[]);
	return main && revisions.includes(main) ? main : revisions.sort().at(-1);
}

async function collect(dir: string, out: string[], depth: number): Promise<void> {
	const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
	for (const entry of entries) {
		const path = join(dir, entry.name);
		if (entry.isDirectory() && depth < 4) await collect(path, out, depth + 1);
		else if (/\.gguf$/i.test(entry.name) && !/mmproj/i.test(entry.name)) out.push(path);
	}
}
