import type { FitVerdict } from "../api/FitVerdict.js";
import { fitVerdict } from "../models/fit/fitVerdict.js";
import { gpuLayersThatFit } from "../models/fit/gpuLayersThatFit.js";
import type { MachineMemory } from "../models/fit/machineMemory.js";
import type { LocalModel, ModelStore } from "../models/ModelStore.js";

/** A local model with whether it fits this machine now and whether it is loaded. */
export interface ListedModel extends LocalModel {
	fit?: FitVerdict;
	/** Layers the free VRAM holds (all of them: full offload); absent without a GPU. */
	gpuLayers?: number;
	loaded: boolean;
}

/**
 * Every local model (`hearth ls`, `/hearth/models`), Hearth's own first, with its fit and state.
 * `memory` is asked for only when some model has a header to judge: finding the GPU can mean
 * loading llama.cpp's binding, which an empty store's listing need not wait for.
 */
export async function listModels(
	store: ModelStore,
	memory: () => Promise<MachineMemory>,
	loaded: ReadonlySet<string>,
): Promise<ListedModel[]> {
	const models = await store.list();
	const machine = models.some((m) => m.info) ? await memory() : undefined;
	return models.map((model) => ({
		...model,
		fit: model.info && machine ? fitVerdict(model.info.memory, machine) : undefined,
		gpuLayers: model.info && machine?.vram ? gpuLayersThatFit(model.info.memory, machine) : undefined,
		loaded: loaded.has(model.key),
	}));
}

/** The models a client can use (`/v1/models`, `/api/tags`, `/api/v0/models`): the broken ones left out. */
export async function usableModels(store: ModelStore): Promise<LocalModel[]> {
	return (await store.list()).filter((m) => !m.invalid);
}
