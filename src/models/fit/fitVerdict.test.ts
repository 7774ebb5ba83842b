import { describe, expect, it } from "vitest";
import type { MemoryEstimate } from "./estimateMemory.js";
import { fitVerdict } from "./fitVerdict.js";
import { gpuLayersThatFit } from "./gpuLayersThatFit.js";
import type { MachineMemory } from "./machineMemory.js";
import { recommendQuantization } from "./recommendQuantization.js";

const GiB = 2 ** 30;
const estimate = (cpuGiB: number, vramGiB = cpuGiB * 0.9, hostGiB = 0.3): MemoryEstimate => ({
	contextLength: 4096,
	sequences: 1,
	cpuOnlyRamBytes: cpuGiB * GiB,
	fullOffload: { vramBytes: vramGiB * GiB, ramBytes: hostGiB * GiB },
	totalLayers: 33,
	weightsBytes: cpuGiB * 0.7 * GiB,
});
const laptop: MachineMemory = { ramTotalBytes: 16 * GiB, ramAvailableBytes: 8 * GiB };
const withGpu = (freeGiB: number): MachineMemory => ({ ...laptop, vram: { totalBytes: 24 * GiB, freeBytes: freeGiB * GiB } });

describe("fitVerdict", () => {
	it.each([
		["a small model on a laptop without GPU", estimate(4), laptop, "fits_without_gpu"],
		["a model larger than free RAM, no GPU", estimate(9), laptop, "will_not_fit"],
		["a model the GPU holds whole", estimate(4), withGpu(20), "full_gpu_offload"],
		["a model split between GPU and RAM", estimate(12), withGpu(6), "partial_gpu_offload"],
		["a model too big for both together", estimate(20), withGpu(6), "will_not_fit"],
		["a GPU with no free memory", estimate(4), withGpu(0), "fits_without_gpu"],
		["a GPU too small for one layer", estimate(4), withGpu(0.05), "fits_without_gpu"],
	] as const)("%s: %s", (_name, e, machine, verdict) => {
		expect(fitVerdict(e, machine)).toBe(verdict);
	});
});

describe("gpuLayersThatFit", () => {
	it.each([
		["no GPU", estimate(4), laptop, 0],
		["a GPU that holds the whole model, KV cache included", estimate(4), withGpu(20), 33],
		// 12 GiB × 0.9 = 10.8 GiB over 33 layers: 6 GiB holds 18 of them.
		["a GPU that holds part of it", estimate(12), withGpu(6), 18],
		["a GPU with no free memory", estimate(4), withGpu(0), 0],
		["a GPU smaller than one layer", estimate(12), withGpu(0.2), 0],
	] as const)("%s: %d layers", (_name, e, machine, layers) => {
		expect(gpuLayersThatFit(e, machine)).toBe(layers);
	});
});

describe("recommendQuantization", () => {
	const files = [
		{ quantization: "Q2_K", sizeBytes: 1.4 * GiB, estimate: estimate(2) },
		{ quantization: "Q4_K_M", sizeBytes: 2.3 * GiB, estimate: estimate(3) },
		{ quantization: "Q8_0", sizeBytes: 4 * GiB, estimate: estimate(5) },
		{ quantization: "F16", sizeBytes: 7.6 * GiB, estimate: estimate(9) },
	];

	it("prefers a 4-bit K-quant without a GPU", () => {
		expect(recommendQuantization(files, laptop)?.quantization).toBe("Q4_K_M");
	});

	it("takes the largest quantization a GPU holds whole", () => {
		expect(recommendQuantization(files, withGpu(20))?.quantization).toBe("F16");
		expect(recommendQuantization(files, withGpu(6))?.quantization).toBe("Q8_0");
	});

	it("falls back to what fits, and to nothing when nothing does", () => {
		const tight: MachineMemory = { ramTotalBytes: 4 * GiB, ramAvailableBytes: 2.5 * GiB };
		expect(recommendQuantization(files, tight)?.quantization).toBe("Q2_K");
		expect(recommendQuantization(files, { ramTotalBytes: GiB, ramAvailableBytes: GiB })).toBeUndefined();
	});

	it("recommends Microsoft's q4 file of Phi-3-mini over fp16 on a laptop", () => {
		const phi3 = [
			{ quantization: "q4", sizeBytes: 2.2 * GiB, estimate: estimate(3.9) },
			{ quantization: "fp16", sizeBytes: 7.2 * GiB, estimate: estimate(8.9) },
		];
		expect(recommendQuantization(phi3, { ramTotalBytes: 24 * GiB, ramAvailableBytes: 20 * GiB })?.quantization).toBe("q4");
	});
});
