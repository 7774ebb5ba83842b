import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GgufFileInfo } from "node-llama-cpp";
import type { ByteSource } from "../models/gguf/ByteSource.js";
import { checkGguf } from "../models/gguf/checkGguf.js";
import { InvalidModelFileError } from "../models/InvalidModelFileError.js";
import type { HubFetch } from "./createHubFetch.js";
import { HubError, hubErrorForResponse } from "./errors/HubError.js";
import { type RetryOptions, withRetries } from "./withRetries.js";

export interface RemoteGgufOptions {
	/** Where the file is served; every request goes through `fetch` and so through its redirect rule. */
	url: string;
	fetch: HubFetch;
	/** The file's size as the hub lists it: the checker judges each count and length in the header against it. */
	sizeBytes: number;
	/** The most header bytes read; a header that needs more is refused. */
	maxBytes: number;
	/** `repo/file`, for messages. */
	label: string;
	tokenSet: boolean;
	/** For each request: 429, 5xx and dropped connections are retried. */
	retry: RetryOptions;
}

/** Most headers fit (Phi-3-mini's is under 1 MiB); a large vocabulary takes one or two doublings. */
const FIRST_READ = 4 * 2 ** 20;

/** Thrown by the byte source when the checker reads past what has been fetched so far. */
class NeedBytes {
	constructor(readonly end: number) {}
}

/**
 * A remote GGUF file's metadata and tensor table, read with Range requests through Hearth's own
 * fetch: the first few MiB, doubled while the header needs more, up to `maxBytes`. The bytes pass
 * Hearth's GGUF checker (every count against the bytes that can hold it) before node-llama-cpp
 * parses them from a temporary file, so a hostile header costs neither memory nor time.
 */
export async function readRemoteGgufInfo(options: RemoteGgufOptions): Promise<GgufFileInfo> {
	const { label, maxBytes, sizeBytes } = options;
	if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0)
		throw new HubError("unavailable", `The hub lists no usable size for ${label} (${sizeBytes}); Hearth cannot read its header`);
	let held: Buffer = Buffer.alloc(0);
	for (;;) {
		try {
			checkGguf(heldSource(held, sizeBytes), label);
			break;
		} catch (error) {
			if (!(error instanceof NeedBytes)) throw error;
			if (error.end > maxBytes)
				throw new HubError(
					"reply_too_large",
					`The GGUF header of ${label} is larger than the ${maxBytes / 2 ** 20} MiB Hearth reads of a remote file; download the file to inspect it`,
				);
			const want = Math.min(Math.max(error.end, held.length * 2, FIRST_READ), maxBytes, sizeBytes);
			held = await fetchMore(options, held, want);
			if (held.length < want)
				throw new InvalidModelFileError(label, `the hub sent ${held.length} of its first ${want} bytes: the file ends early`);
		}
	}
	return parseHeader(held, options);
}

/** The bytes fetched so far, as the checker's source, which stands for the whole file of `size` bytes. */
function heldSource(held: Buffer, size: number): ByteSource {
	return {
		size,
		read(offset, length) {
			if (offset + length > held.length) throw new NeedBytes(offset + length);
			return held.subarray(offset, offset + length);
		},
		close() {},
	};
}

/** `held` and the bytes after it up to `want`, from one Range request (retried when that fails). */
function fetchMore(options: RemoteGgufOptions, held: Buffer, want: number): Promise<Buffer> {
	const start = held.length;
	return withRetries(async () => {
		const response = await options.fetch(options.url, { headers: { Range: `bytes=${start}-${want - 1}` } });
		if (response.status === 416) {
			await response.body?.cancel();
			return held;
		}
		if (!response.ok) {
			await response.body?.cancel();
			throw hubErrorForResponse(response, options.label, options.tokenSet);
		}
		if (response.status !== 206) return readAtMost(response, want); // Range ignored: the file from its start
		const from = Number(/^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1]);
		if (from !== start) {
			await response.body?.cancel();
			throw new HubError(
				"unavailable",
				`The hub answered a request for ${options.label} from byte ${start} with bytes from ${from}`,
			);
		}
		return Buffer.concat([held, await readAtMost(response, want - start)]);
	}, options.retry);
}

/** At most `limit` bytes of the body; the rest is never read. */
async function readAtMost(response: Response, limit: number): Promise<Buffer> {
	const reader = response.body?.getReader();
	if (!reader) return Buffer.alloc(0);
	const chunks: Uint8Array[] = [];
	let length = 0;
	try {
		while (length < limit) {
			const { done, value } = await reader.read();
			if (done) break;
			const chunk = value.subarray(0, limit - length);
			chunks.push(chunk);
			length += chunk.length;
		}
	} finally {
		await reader.cancel().catch(() => {});
	}
	return Buffer.concat(chunks, length);
}

/** node-llama-cpp reads GGUF from a path or a URL only: the checked bytes go through a temporary file. */
async function parseHeader(header: Buffer, options: RemoteGgufOptions): Promise<GgufFileInfo> {
	const { readGgufFileInfo } = await import("node-llama-cpp");
	const dir = await mkdtemp(join(tmpdir(), "hearth-header-"));
	try {
		const path = join(dir, "header.gguf");
		await writeFile(path, header);
		const info = await readGgufFileInfo(path, { sourceType: "filesystem", spliceSplitFiles: false, logWarnings: false }).catch(
			(error: Error) => {
				throw new InvalidModelFileError(options.label, `its header could not be read: ${error.message}`);
			},
		);
		// The temporary file is gone when this returns: GgufInsights gets the header bytes themselves.
		const end = info.infoEndOffset ?? header.length;
		return {
			...info,
			source: { type: "uri", uri: options.url },
			sourceData: [{ type: "buffer", buffer: header.subarray(0, end) }],
		};
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
