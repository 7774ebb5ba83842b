import { readFileSync } from "node:fs";
import { freemem, totalmem } from "node:os";

export interface MachineMemory {
	ramTotalBytes: number;
	/** RAM that can be had now without swapping (Linux MemAvailable; elsewhere free memory). */
	ramAvailableBytes: number;
	/** Present when llama.cpp found a GPU. */
	vram?: { totalBytes: number; freeBytes: number };
}

/** This machine's memory now; `vram` comes from the engine's llama.cpp backend when it has a GPU. */
export function machineMemory(vram?: MachineMemory["vram"]): MachineMemory {
	return { ramTotalBytes: totalmem(), ramAvailableBytes: availableRam(), vram };
}

function availableRam(): number {
	try {
		const match = readFileSync("/proc/meminfo", "utf8").match(/^MemAvailable:\s+(\d+) kB/m);
		if (match) return Number(match[1]) * 1024;
	} catch {
		// not Linux
	}
	return freemem();
}
