import { describe, expect, it } from "vitest";
import type { GpuSetting } from "../config/settings.js";
import { chooseBackend } from "./chooseBackend.js";
import { GpuBackendUnavailableError } from "./errors/GpuBackendUnavailableError.js";

// Machines as node-llama-cpp's getLlamaGpuTypes("supported") would describe them.
const cpuOnly = ["cpu"];
const nvidia = ["cuda", "vulkan", "cpu"];
const amd = ["vulkan", "cpu"];
const mac = ["metal", "cpu"];

describe("chooseBackend", () => {
	it.each([
		["auto", cpuOnly, "cpu"],
		["auto", nvidia, "cuda"],
		["auto", amd, "vulkan"],
		["auto", mac, "metal"],
		["off", nvidia, "cpu"],
		["vulkan", nvidia, "vulkan"],
		["cuda", nvidia, "cuda"],
		["metal", mac, "metal"],
	] as const)("%s on a machine with %j runs on %s", (setting, available, backend) => {
		expect(chooseBackend(setting as GpuSetting, available)).toBe(backend);
	});

	it.each([
		["cuda", cpuOnly],
		["cuda", amd],
		["metal", nvidia],
		["vulkan", mac],
	] as const)("refuses %s on a machine with %j, naming what it has", (setting, available) => {
		let error: unknown;
		try {
			chooseBackend(setting, available);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(GpuBackendUnavailableError);
		expect((error as GpuBackendUnavailableError).available).toEqual(available);
		expect((error as Error).message).toContain(
			`the ${setting} backend is not available on this machine (available: ${available.join(", ")})`,
		);
	});
});
