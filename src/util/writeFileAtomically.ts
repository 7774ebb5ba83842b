import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes `text` to `file` through a temporary file beside it and a rename, so a reader (another
 * Hearth process included) sees the old file or the new one, never half of one. Creates the folder.
 */
export function writeFileAtomically(file: string, text: string, mode?: number): void {
	mkdirSync(dirname(file), { recursive: true });
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, text, { mode });
	renameSync(temporary, file);
}
