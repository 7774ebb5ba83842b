import { assertSafeRelativePath, UnsafeNameError } from "../models/safeNames.js";
import type { HubFilePart } from "./HubClient.js";

/**
 * A tree API entry as a GGUF model part Hearth may offer, or undefined: not a GGUF file, a
 * projector, or one Hearth could not download safely and check — a name that would climb out of
 * the models folder, a size that is not a whole number of bytes, no LFS sha256 to verify it by.
 * The entry is the hub's JSON, so nothing about its shape is taken on trust.
 */
export function offerableFilePart(entry: unknown): Required<HubFilePart> | undefined {
	if (typeof entry !== "object" || entry === null) return undefined;
	const { type, path, size, lfs } = entry as { type?: unknown; path?: unknown; size?: unknown; lfs?: unknown };
	if (type !== "file" || typeof path !== "string" || !/\.gguf$/i.test(path) || /mmproj/i.test(path)) return undefined;
	try {
		assertSafeRelativePath(path, "file name from the hub");
	} catch (error) {
		if (error instanceof UnsafeNameError) return undefined;
		throw error;
	}
	const { oid, size: lfsSize } = (typeof lfs === "object" && lfs !== null ? lfs : {}) as { oid?: unknown; size?: unknown };
	const sizeBytes = lfsSize ?? size;
	if (typeof oid !== "string" || !/^[0-9a-f]{64}$/.test(oid)) return undefined;
	if (typeof sizeBytes !== "number" || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0) return undefined;
	return { path, sizeBytes, sha256: oid };
}
