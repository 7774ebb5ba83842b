import { getLlama } from "node-llama-cpp";
import type { GpuSetting } from "../../config/settings.js";

export interface GpuInfo {
	/** "cpu" when llama.cpp found no usable GPU (or HEARTH_GPU=off). */
	backend: string;
	vram?: { totalBytes: number; freeBytes: number };
}

/**
 * Asks llama.cpp which backend it would use and how much VRAM is free, for memory-fit verdicts.
 * Loads no model; with HEARTH_GPU=off nothing native is touched.
 */
export async function detectGpu(setting: GpuSetting): Promise<GpuInfo> {
	if (setting === "off") return { backend: "cpu" };
	const llama = await getLlama({ gpu: setting, build: "never", logLevel: "error" as never });
	try {
		if (llama.gpu === false) return { backend: "cpu" };
		const vram = await llama.getVramState();
		return { backend: llama.gpu, vram: { totalBytes: vram.total, freeBytes: vram.free } };
	} finally {
		await llama.dispose();
	}
}
