import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFileAtomically } from "../../util/writeFileAtomically.js";

/**
 * The chat templates node-llama-cpp's resolveChatWrapper has resolved to its Jinja wrapper,
 * remembered by hash (in memory, and in `file` across processes). Resolving "auto" renders the
 * template against every specialized wrapper to find an equivalent one: ~0.8 s of every load
 * (measured on the Phi-3 template). When the answer was the Jinja wrapper, asking for it by name
 * gives the same wrapper in ~5 ms. Other answers are not remembered: a specialized wrapper may
 * carry settings that only the "auto" comparison finds.
 */
export class JinjaTemplateMemory {
	private readonly known = new Set<string>();

	constructor(
		private readonly file: string | undefined,
		/** Part of the key: another node-llama-cpp may resolve the same template differently. */
		private readonly engineVersion: string,
	) {
		if (!file) return;
		try {
			const saved = JSON.parse(readFileSync(file, "utf8")) as { version?: string; jinja?: unknown };
			if (saved.version === engineVersion && Array.isArray(saved.jinja))
				for (const hash of saved.jinja) if (typeof hash === "string") this.known.add(hash);
		} catch {
			// nothing remembered yet
		}
	}

	/** Whether this template is known to resolve to the Jinja wrapper. */
	has(template: string): boolean {
		return this.known.has(hashOf(template));
	}

	/** Remembers that this template resolved to the Jinja wrapper. */
	add(template: string): void {
		const hash = hashOf(template);
		if (this.known.has(hash)) return;
		this.known.add(hash);
		if (!this.file) return;
		try {
			writeFileAtomically(this.file, JSON.stringify({ version: this.engineVersion, jinja: [...this.known] }));
		} catch {
			// an unwritable cache only costs the next load its 0.8 s
		}
	}
}

function hashOf(template: string): string {
	return createHash("sha256").update(template).digest("hex");
}
