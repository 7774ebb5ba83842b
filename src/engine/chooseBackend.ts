import type { GpuSetting } from "../config/settings.js";
import { GpuBackendUnavailableError } from "./errors/GpuBackendUnavailableError.js";

/** Backends in the order "auto" prefers them: a vendor's own before Vulkan, any GPU before the CPU. */
const PREFERENCE = ["cuda", "metal", "vulkan", "cpu"];

/**
 * The backend a setting selects among those this machine supports (`available` always holds
 * "cpu"): "off" is the CPU, "auto" the best GPU there is, else the CPU; a named backend is used
 * only when it is available, otherwise the user hears which ones are, rather than getting the CPU
 * silently (a wrong guess there costs 10–100× in speed).
 */
export function chooseBackend(setting: GpuSetting, available: readonly string[]): string {
	if (setting === "off") return "cpu";
	if (setting === "auto") return PREFERENCE.find((backend) => available.includes(backend)) ?? "cpu";
	if (available.includes(setting)) return setting;
	throw new GpuBackendUnavailableError(setting, available);
}
