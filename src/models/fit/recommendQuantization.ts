import type { MemoryEstimate } from "./estimateMemory.js";
import { type FitVerdict, fitVerdict } from "./fitVerdict.js";
import type { MachineMemory } from "./machineMemory.js";

export interface QuantizationChoice {
	/** e.g. "Q4_K_M", "Q8_0", "F16" (or "q4" as Microsoft names Phi-3's) */
	quantization: string;
	sizeBytes: number;
	estimate: MemoryEstimate;
}

/**
 * Without a GPU, speed is memory bandwidth: the 4-bit K-quants give the best quality per byte read,
 * so they lead; larger ones come after, then smaller ones. With a GPU that holds the whole model,
 * quality comes first: the largest quantization that is fully offloaded.
 */
const CPU_PREFERENCE = [
	"Q4_K_M",
	"Q4_K_S",
	"Q4_0",
	"Q4",
	"IQ4_XS",
	"IQ4_NL",
	"Q5_K_M",
	"Q5_K_S",
	"Q5_0",
	"Q6_K",
	"Q8_0",
	"Q3_K_L",
	"Q3_K_M",
	"IQ3_M",
	"Q3_K_S",
	"IQ3_XS",
	"IQ3_XXS",
	"Q2_K",
	"IQ2_M",
	"IQ2_XS",
	"IQ2_XXS",
	"BF16",
	"F16",
	"FP16",
	"F32",
];

function cpuRank(quantization: string): number {
	const i = CPU_PREFERENCE.indexOf(quantization.toUpperCase());
	return i === -1 ? CPU_PREFERENCE.length : i;
}

/** The quantization to suggest for this machine, or undefined when none fits. */
export function recommendQuantization<T extends QuantizationChoice>(
	choices: readonly T[],
	machine: MachineMemory,
): T | undefined {
	const verdicts = choices.map((c) => ({ choice: c, verdict: fitVerdict(c.estimate, machine) as FitVerdict }));
	const full = verdicts.filter((v) => v.verdict === "full_gpu_offload");
	if (full.length) return full.sort((a, b) => b.choice.sizeBytes - a.choice.sizeBytes)[0].choice;
	const fitting = verdicts.filter((v) => v.verdict !== "will_not_fit");
	return fitting.sort(
		(a, b) => cpuRank(a.choice.quantization) - cpuRank(b.choice.quantization) || a.choice.sizeBytes - b.choice.sizeBytes,
	)[0]?.choice;
}
