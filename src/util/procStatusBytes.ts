import { readFileSync } from "node:fs";

/**
 * A memory field of a process's /proc status (VmRSS: resident now, VmHWM: its peak), in bytes, where
 * /proc has it (Linux); undefined elsewhere or once the process has exited.
 */
export function procStatusBytes(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
	try {
		const match = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`${field}:\\s+(\\d+) kB`));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}
