/**
 * A GPU backend was asked for by name (HEARTH_GPU, `--gpu`) that this machine cannot run: no
 * prebuilt binary for it, or its drivers and libraries are missing. Said before a runner starts,
 * instead of node-llama-cpp's bare NoBinaryFoundError.
 */
export class GpuBackendUnavailableError extends Error {
	readonly code = "gpu_backend_unavailable";
	constructor(
		readonly requested: string,
		readonly available: readonly string[],
	) {
		super(
			`the ${requested} backend is not available on this machine (available: ${available.join(", ")}); use --gpu or HEARTH_GPU with auto or one of those`,
		);
		this.name = "GpuBackendUnavailableError";
	}
}
