import type { GgufFileInfo } from "node-llama-cpp";

/** Memory a model needs at one context length, on the CPU alone and fully offloaded to a GPU. */
export interface MemoryEstimate {
	/** Per sequence. */
	contextLength: number;
	sequences: number;
	/** RAM with no GPU: weights, KV cache, compute buffers and the runner process. */
	cpuOnlyRamBytes: number;
	/** With every layer on the GPU: VRAM, plus the RAM that stays on the host. */
	fullOffload: { vramBytes: number; ramBytes: number };
	totalLayers: number;
	/** The weights' share of `cpuOnlyRamBytes`, to re-estimate another quantization of the same model. */
	weightsBytes: number;
}

/**
 * What a runner process costs before any model: Node, node-llama-cpp and llama.cpp's CPU backend
 * (measured by `npm run bench -- fit` on a tiny model).
 */
export const RUNNER_BASE_BYTES = 160 * 2 ** 20;

/**
 * Estimates memory with node-llama-cpp's GGUF insights (llama.cpp's own accounting of weights, KV
 * cache and graph buffers) for Hearth's defaults: weights read into memory, not memory-mapped,
 * on the CPU — llama.cpp repacks them for the CPU's vector units there, and a map would keep a
 * second, file-backed copy resident.
 */
export async function estimateMemory(fileInfo: GgufFileInfo, contextLength: number, sequences = 1): Promise<MemoryEstimate> {
	// Loaded here, not at the top: listing a store whose metadata is cached never needs node-llama-cpp (0.4 s to import).
	const { GgufInsights } = await import("node-llama-cpp");
	const insights = await GgufInsights.from(fileInfo);
	const context = Math.min(contextLength, insights.trainContextSize ?? contextLength);
	const layers = insights.totalLayers;
	const cpuModel = insights.estimateModelResourceRequirements({ gpuLayers: 0, useMmap: false });
	// Every sequence has a whole context of KV cache of its own.
	const cpuContext = insights.estimateContextResourceRequirements({
		contextSize: context,
		sequences,
		modelGpuLayers: 0,
		flashAttention: true,
	});
	const gpuModel = insights.estimateModelResourceRequirements({ gpuLayers: layers, useMmap: false });
	const gpuContext = insights.estimateContextResourceRequirements({
		contextSize: context,
		sequences,
		modelGpuLayers: layers,
		flashAttention: true,
	});
	return {
		contextLength: context,
		sequences,
		cpuOnlyRamBytes: cpuModel.cpuRam + cpuModel.gpuVram + cpuContext.cpuRam + cpuContext.gpuVram + RUNNER_BASE_BYTES,
		fullOffload: {
			vramBytes: gpuModel.gpuVram + gpuContext.gpuVram,
			ramBytes: gpuModel.cpuRam + gpuContext.cpuRam + RUNNER_BASE_BYTES,
		},
		totalLayers: layers,
		weightsBytes: cpuModel.cpuRam + cpuModel.gpuVram,
	};
}

/**
 * The estimate for another file of the same model (another quantization, or all parts of a split
 * one): the context and runner costs stay, the weights are swapped for `weightsBytes`.
 */
export function withWeights(estimate: MemoryEstimate, weightsBytes: number): MemoryEstimate {
	const delta = weightsBytes - estimate.weightsBytes;
	return {
		...estimate,
		cpuOnlyRamBytes: estimate.cpuOnlyRamBytes + delta,
		fullOffload: { ...estimate.fullOffload, vramBytes: estimate.fullOffload.vramBytes + delta },
		weightsBytes,
	};
}
