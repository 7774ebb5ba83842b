import type { FitVerdict } from "../../api/FitVerdict.js";
import type { MemoryEstimate } from "./estimateMemory.js";
import { gpuLayersThatFit } from "./gpuLayersThatFit.js";
import type { MachineMemory } from "./machineMemory.js";

export type { FitVerdict };

/** Whether a model fits this machine now, and how: all on the GPU, split, on the CPU, or not at all. */
export function fitVerdict(estimate: MemoryEstimate, machine: MachineMemory): FitVerdict {
	const ram = machine.ramAvailableBytes;
	const vram = machine.vram?.freeBytes ?? 0;
	if (vram > 0 && estimate.fullOffload.vramBytes <= vram && estimate.fullOffload.ramBytes <= ram) return "full_gpu_offload";
	// Part on the GPU, the rest in RAM: what cannot go to VRAM must fit in RAM, and a layer at least must go.
	if (gpuLayersThatFit(estimate, machine) > 0 && estimate.cpuOnlyRamBytes <= ram + vram && estimate.fullOffload.ramBytes <= ram)
		return "partial_gpu_offload";
	if (estimate.cpuOnlyRamBytes <= ram) return "fits_without_gpu";
	return "will_not_fit";
}
