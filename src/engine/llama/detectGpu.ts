import { getLlama } from "node-llama-cpp";
import type { GpuSetting } from "../../config/settings.js";
import { chooseBackend } from "../chooseBackend.js";
import { GpuBackendUnavailableError } from "../errors/GpuBackendUnavailableError.js";
import { supportedBackends } from "./supportedBackends.js";

export interface GpuInfo {
	/** "cpu" when llama.cpp found no usable GPU (or HEARTH_GPU=off, or the one named is missing). */
	backend: string;
	/** The backends this machine can run, "cpu" last. */
	available: string[];
	vram?: { totalBytes: number; freeBytes: number };
}

/**
 * Asks llama.cpp which backend the setting selects and how much VRAM it has free, for memory-fit
 * verdicts. Loads no model; on the CPU nothing native is touched. A named backend this machine
 * lacks shows as the CPU here; loading a model with it is refused (GpuBackendUnavailableError).
 */
export async function detectGpu(setting: GpuSetting): Promise<GpuInfo> {
	const available = await supportedBackends();
	let backend: string;
	try {
		backend = chooseBackend(setting, available);
	} catch (error) {
		if (error instanceof GpuBackendUnavailableError) return { backend: "cpu", available };
		throw error;
	}
	if (backend === "cpu") return { backend, available };
	const llama = await getLlama({ gpu: backend as "cuda" | "vulkan" | "metal", build: "never", logLevel: "error" as never });
	try {
		if (llama.gpu === false) return { backend: "cpu", available };
		const vram = await llama.getVramState();
		return { backend: llama.gpu, available, vram: { totalBytes: vram.total, freeBytes: vram.free } };
	} finally {
		await llama.dispose();
	}
}
