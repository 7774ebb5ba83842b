import { procStatusBytes } from "./procStatusBytes.js";

/** A process's peak resident memory (VmHWM) where /proc has it (Linux); undefined elsewhere or once it has exited. */
export function peakRssBytes(pid: number): number | undefined {
	return procStatusBytes(pid, "VmHWM");
}
