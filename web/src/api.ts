import { HearthClient } from "../../src/api/HearthClient.js";

export { formatBytes } from "../../src/api/formatBytes.js";
export { formatCount } from "../../src/api/formatCount.js";

/** The UI talks only to the native API of the server it was loaded from. */
export const api = new HearthClient("");

export const FIT_LABELS: Record<string, string> = {
	full_gpu_offload: "Full GPU offload possible",
	partial_gpu_offload: "Partial GPU offload",
	fits_without_gpu: "Fits without GPU",
	will_not_fit: "Will not fit",
};

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
