import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Random-access bytes of a file or buffer; reads never go past `size`. */
export interface ByteSource {
	readonly size: number;
	/** Exactly `length` bytes at `offset` (the caller has checked they exist). */
	read(offset: number, length: number): Buffer;
	close(): void;
}

export function bufferSource(buffer: Buffer): ByteSource {
	return { size: buffer.length, read: (offset, length) => buffer.subarray(offset, offset + length), close: () => {} };
}

/** Reads a file through a window, so a large header costs a few reads and no whole-file buffer. */
export function fileSource(path: string, windowSize = 1 << 20): ByteSource {
	const fd = openSync(path, "r");
	const size = fstatSync(fd).size;
	let windowStart = 0;
	let window = Buffer.alloc(0);
	return {
		size,
		read(offset, length) {
			if (offset >= windowStart && offset + length <= windowStart + window.length)
				return window.subarray(offset - windowStart, offset - windowStart + length);
			const want = Math.min(Math.max(length, windowSize), size - offset);
			const buffer = Buffer.allocUnsafe(want);
			let done = 0;
			while (done < want) {
				const n = readSync(fd, buffer, done, want - done, offset + done);
				if (n === 0) break;
				done += n;
			}
			windowStart = offset;
			window = buffer.subarray(0, done);
			return window.subarray(0, length);
		},
		close: () => closeSync(fd),
	};
}
