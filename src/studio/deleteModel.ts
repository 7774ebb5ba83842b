import type { LocalModel, ModelStore } from "../models/ModelStore.js";
import { removeModel } from "../models/removeModel.js";

/** The part of the scheduler a delete needs: a loaded model is unloaded before its file goes. */
export interface Unloader {
	isLoaded(key: string): boolean;
	unload(key: string): Promise<void>;
}

/**
 * Deletes a model of Hearth's own folder (`hearth rm`, `DELETE /hearth/models`, Ollama's
 * `/api/delete`), unloading it first. A model nobody has is ModelNotFoundError (404); one that
 * belongs to another app is ModelNotDeletableError (403).
 */
export async function deleteModel(store: ModelStore, identifier: string, scheduler?: Unloader): Promise<LocalModel> {
	// An exact key wins over the short forms resolve() also accepts, so a listed key always deletes that model.
	const model = (await store.list()).find((m) => m.key === identifier) ?? (await store.resolve(identifier));
	if (scheduler?.isLoaded(model.key)) await scheduler.unload(model.key);
	await removeModel(model, store.modelsDir);
	return model;
}
