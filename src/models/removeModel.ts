import { readdir, rm, rmdir } from "node:fs/promises";
import { dirname, relative, sep } from "node:path";
import type { LocalModel } from "./ModelStore.js";

const APP_NAMES = {
	folder: "an extra models folder",
	lmstudio: "LM Studio",
	huggingface: "Hugging Face's cache",
	ollama: "Ollama",
} as const;

export class ModelNotDeletableError extends Error {
	readonly code = "model_not_deletable";
	constructor(model: LocalModel, modelsDir: string) {
		const owner = model.source === "hearth" ? "Hearth" : APP_NAMES[model.source];
		super(
			`${model.key} belongs to ${owner} (${model.path}); Hearth only deletes models in its own folder ${modelsDir}. Delete it with ${owner === "Ollama" ? "ollama rm" : "the app that downloaded it"}, or by hand`,
		);
		this.name = "ModelNotDeletableError";
	}
}

/** Deletes a model of Hearth's own folder, every part, and the folders it leaves empty. */
export async function removeModel(model: LocalModel, modelsDir: string): Promise<void> {
	const inside = model.paths.every((p) => {
		const rel = relative(modelsDir, p);
		return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
	});
	if (!model.deletable || !inside) throw new ModelNotDeletableError(model, modelsDir);
	for (const path of model.paths) await rm(path, { force: true });
	// Tidy <publisher>/<repo> when empty; never above the models folder.
	let dir = dirname(model.path);
	while (relative(modelsDir, dir) && !relative(modelsDir, dir).startsWith("..")) {
		if ((await readdir(dir).catch(() => ["?"])).length > 0) break;
		await rmdir(dir).catch(() => {});
		dir = dirname(dir);
	}
}
