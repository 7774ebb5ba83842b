import type { MemoryEstimate } from "./estimateMemory.js";
import type { MachineMemory } from "./machineMemory.js";

/** LM Studio's verdicts, best first. */
export type FitVerdict = "full_gpu_offload" | "partial_gpu_offload" | "fits_without_gpu" | "will_not_fit";

export const FIT_LABELS: Record<FitVerdict, string> = {
	full_gpu_offload: "full GPU offload possible",
	partial_gpu_offload: "partial GPU offload possible",
	fits_without_gpu: "fits without GPU",
	will_not_fit: "will not fit",
};

/** Whether a model fits this machine now, and how: all on the GPU, split, on the CPU, or not at all. */
export function fitVerdict(estimate: MemoryEstimate, machine: MachineMemory): FitVerdict {
	const ram = machine.ramAvailableBytes;
	const vram = machine.vram?.freeBytes ?? 0;
	if (vram > 0 && estimate.fullOffload.vramBytes <= vram && estimate.fullOffload.ramBytes <= ram) return "full_gpu_offload";
	// Part on the GPU, the rest in RAM: what cannot go to VRAM must fit in RAM.
	if (vram > 0 && estimate.cpuOnlyRamBytes <= ram + vram && estimate.fullOffload.ramBytes <= ram) return "partial_gpu_offload";
	if (estimate.cpuOnlyRamBytes <= ram) return "fits_without_gpu";
	return "will_not_fit";
}
