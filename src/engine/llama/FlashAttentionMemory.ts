import { readFileSync } from "node:fs";
import { writeFileAtomically } from "../../util/writeFileAtomically.js";
import type { FlashAttentionProbe } from "./probeFlashAttention.js";
import { subjectKey as keyOf, type ProbeSubject } from "./subjectKey.js";

export type { ProbeSubject };

/**
 * Flash-attention probes (probeFlashAttention) remembered per model file and machine, in `file`
 * across processes: a probe costs seconds, its answer holds until the file, the engine build, the
 * backend, the CPU or the threads change — each is part of the key.
 */
export class FlashAttentionMemory {
	private readonly known = new Map<string, FlashAttentionProbe>();

	constructor(private readonly file: string | undefined) {
		if (file) for (const [key, probe] of Object.entries(readProbes(file))) this.known.set(key, probe);
	}

	get(subject: ProbeSubject): FlashAttentionProbe | undefined {
		const key = keyOf(subject);
		return key === undefined ? undefined : this.known.get(key);
	}

	set(subject: ProbeSubject, probe: FlashAttentionProbe): void {
		const key = keyOf(subject);
		if (key === undefined) return;
		this.known.set(key, probe);
		if (!this.file) return;
		try {
			// Merged with what other processes wrote since this one read the file, so none loses another's probes.
			for (const [k, p] of Object.entries(readProbes(this.file))) if (!this.known.has(k)) this.known.set(k, p);
			writeFileAtomically(this.file, JSON.stringify({ probes: Object.fromEntries(this.known) }, null, "\t"));
		} catch {
			// an unwritable cache only costs the next load its probe
		}
	}
}

function readProbes(file: string): Record<string, FlashAttentionProbe> {
	try {
		const saved = JSON.parse(readFileSync(file, "utf8")) as { probes?: Record<string, FlashAttentionProbe> };
		return Object.fromEntries(Object.entries(saved.probes ?? {}).filter(([, p]) => typeof p?.flashAttention === "boolean"));
	} catch {
		return {}; // nothing measured yet
	}
}
