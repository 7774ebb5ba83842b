import { readFileSync } from "node:fs";

/** A process's peak resident memory (VmHWM) where /proc has it (Linux); undefined elsewhere or once it has exited. */
export function peakRssBytes(pid: number): number | undefined {
	try {
		const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/);
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}
