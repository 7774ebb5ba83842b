import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const HASH = /^[0-9a-f]{64}$/;

/**
 * Files attached to conversations, under `$HEARTH_HOME/attachments/<sha256>`: a message refers to
 * its files by hash, so a file sent twice is kept once, and a reopened or exported chat still has
 * them. A file is written aside and renamed into place, so a crash never leaves half of one.
 */
export class AttachmentStore {
	private readonly folder: string;

	constructor(home: string) {
		this.folder = join(home, "attachments");
	}

	/** Keeps the bytes; returns their hash. */
	put(bytes: Uint8Array): string {
		const hash = createHash("sha256").update(bytes).digest("hex");
		if (this.has(hash)) return hash;
		mkdirSync(this.folder, { recursive: true });
		const partial = join(this.folder, `.${hash}.${randomUUID()}.part`);
		try {
			writeFileSync(partial, bytes);
			renameSync(partial, join(this.folder, hash));
		} finally {
			rmSync(partial, { force: true });
		}
		return hash;
	}

	/** The bytes kept under this hash; undefined when none are (or the hash is not one). */
	get(hash: string): Buffer | undefined {
		if (!HASH.test(hash)) return undefined;
		try {
			return readFileSync(join(this.folder, hash));
		} catch {
			return undefined;
		}
	}

	has(hash: string): boolean {
		if (!HASH.test(hash)) return false;
		try {
			return statSync(join(this.folder, hash)).isFile();
		} catch {
			return false;
		}
	}
}
