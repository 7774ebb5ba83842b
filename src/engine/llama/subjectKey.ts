import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { cpus } from "node:os";

/** What a loaded model's measured facts depend on: the file, the kernels (engine build, backend, CPU) and the threads. */
export interface ProbeSubject {
	modelPath: string;
	gpu: string;
	gpuLayers: number | "max" | "auto";
	threads: number | undefined;
	engineVersion: string;
}

/**
 * A hash of the subject with the file's size and modification time and the CPU, so what was learnt
 * about one build of one file on one machine is never applied to another; undefined for a file that
 * cannot be read (then nothing is remembered for it).
 */
export function subjectKey(subject: ProbeSubject): string | undefined {
	let file: { size: number; mtimeMs: number };
	try {
		file = statSync(subject.modelPath);
	} catch {
		return undefined;
	}
	return createHash("sha256")
		.update(
			JSON.stringify({
				...subject,
				size: file.size,
				mtimeMs: Math.floor(file.mtimeMs),
				cpu: cpus()[0]?.model ?? "unknown",
				cores: cpus().length,
			}),
		)
		.digest("hex");
}
