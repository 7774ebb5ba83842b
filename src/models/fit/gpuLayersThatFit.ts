import type { MemoryEstimate } from "./estimateMemory.js";
import type { MachineMemory } from "./machineMemory.js";

/**
 * How many of the model's layers the free VRAM holds, KV cache included: every layer carries its
 * share of the weights and of the context's cache, so the full-offload need divides evenly by
 * layer to a good approximation (node-llama-cpp's "auto" then fits the exact number at load).
 * 0 without a GPU, `totalLayers` when all of it fits.
 */
export function gpuLayersThatFit(estimate: MemoryEstimate, machine: MachineMemory): number {
	const free = machine.vram?.freeBytes ?? 0;
	const layers = estimate.totalLayers;
	if (free <= 0 || layers <= 0) return 0;
	if (estimate.fullOffload.vramBytes <= free) return layers;
	return Math.min(layers, Math.floor(free / (estimate.fullOffload.vramBytes / layers)));
}
