import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { HubFetch } from "./createHubFetch.js";
import { HubError, hubErrorForResponse } from "./errors/HubError.js";
import { withRetries } from "./withRetries.js";

export interface DownloadProgress {
	bytes: number;
	totalBytes?: number;
	/** Bytes per second over the last few seconds. */
	bytesPerSecond: number;
	/** Seconds left at that speed, when the total is known. */
	etaSeconds?: number;
	/** Bytes that were already there from an interrupted download. */
	resumedFrom: number;
}

export interface DownloadFileOptions {
	/** The resolve URL; redirects are followed by `fetch`. */
	url: string;
	destination: string;
	fetch: HubFetch;
	/** The sha256 the hub publishes (tree API `lfs.oid`); checked before the file is put in place. */
	sha256?: string;
	sizeBytes?: number;
	signal?: AbortSignal;
	onProgress?: (progress: DownloadProgress) => void;
	/** Drop a connection that sends nothing for this long, and resume. Default 30 s. */
	stallMs?: number;
	/** Attempts after the first on dropped connections, stalls, 429 and 5xx. Default 8. */
	retries?: number;
	/** First backoff delay, doubled each retry up to 30 s. Default 500 ms. */
	backoffMs?: number;
	/** Why a download was described: for messages. */
	label?: string;
	/** Kept beside the partial file (`.part.json`), so an interrupted download can be found and resumed later. */
	origin?: { repo: string; file: string };
	tokenSet?: boolean;
}

export interface DownloadFileResult {
	path: string;
	sizeBytes: number;
	sha256: string;
	/** Bytes reused from an earlier, interrupted attempt. */
	resumedFrom: number;
}

const WRITE_BATCH = 1 << 20;
const REPORT_EVERY_MS = 100;
/** On slow links a batch waits no longer than this, so progress and resumable bytes keep moving. */
const FLUSH_EVERY_MS = 250;

export interface PartInfo {
	sha256?: string;
	sizeBytes?: number;
	origin?: { repo: string; file: string };
}

/**
 * Downloads into `<destination>.part` and renames into place only after the size and sha256 check.
 * Resumes with `Range` after any interruption (a dropped connection, a stall, a killed process); a
 * server that ignores `Range` restarts the file from zero, never appends to it; 429/5xx and network
 * failures are retried with backoff; a checksum mismatch deletes the partial file; a full disk
 * stops at once and keeps it.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadFileResult> {
	const { destination, signal } = options;
	const part = `${destination}.part`;
	const info = `${destination}.part.json`;
	const label = options.label ?? destination;
	await mkdir(dirname(destination), { recursive: true });
	// A partial file of another version of the file (the hub's sha changed) cannot be resumed.
	const previous = await readFile(info, "utf8").then(
		(t) => JSON.parse(t) as PartInfo,
		() => undefined,
	);
	if (previous && options.sha256 && previous.sha256 !== options.sha256) await rm(part, { force: true });
	await writeFile(
		info,
		JSON.stringify({ sha256: options.sha256, sizeBytes: options.sizeBytes, origin: options.origin } satisfies PartInfo),
	);

	let hash = createHash("sha256");
	let bytes = await stat(part).then(
		(s) => s.size,
		() => 0,
	);
	if (options.sizeBytes !== undefined && bytes > options.sizeBytes) bytes = await restart(part, (h) => (hash = h));
	if (bytes > 0) await hashExisting(part, hash, signal);
	const resumedFrom = bytes;
	const speed = new SpeedMeter();
	let reportedAt = 0;
	const report = (force = false) => {
		const now = performance.now();
		if (!force && now - reportedAt < REPORT_EVERY_MS) return;
		reportedAt = now;
		options.onProgress?.({
			bytes,
			totalBytes: options.sizeBytes,
			bytesPerSecond: speed.rate(),
			etaSeconds: options.sizeBytes !== undefined && speed.rate() > 0 ? (options.sizeBytes - bytes) / speed.rate() : undefined,
			resumedFrom,
		});
	};
	report(true);

	// One attempt: resume (or restart) the transfer; anything short of the whole file is a failure to retry.
	const attempt = async () => {
		if (signal?.aborted) throw cancelled(label);
		if (options.sizeBytes !== undefined && bytes === options.sizeBytes) return;
		try {
			if ((await transfer()) === "restart") {
				bytes = await restart(part, (h) => (hash = h));
				if ((await transfer()) === "restart") throw new Error("the server refused the file's first byte");
			}
		} catch (error) {
			if (signal?.aborted) throw cancelled(label);
			throw error;
		}
		if (options.sizeBytes !== undefined && bytes !== options.sizeBytes) throw new Error("connection closed early");
	};
	try {
		await withRetries(attempt, { retries: options.retries ?? 8, backoffMs: options.backoffMs ?? 500, signal });
	} catch (error) {
		if (signal?.aborted) throw cancelled(label);
		if (error instanceof HubError) throw error;
		throw new HubError("unavailable", `Download of ${label} kept failing (${(error as Error).message}); run it again to resume`);
	}

	report(true);
	const digest = hash.digest("hex");
	if (options.sha256 && digest !== options.sha256) {
		await rm(part, { force: true });
		await rm(info, { force: true });
		throw new HubError(
			"checksum_mismatch",
			`Download of ${label} is corrupt: sha256 ${digest} but the hub publishes ${options.sha256}; the partial file was deleted, run the download again`,
		);
	}
	await rename(part, destination);
	await rm(info, { force: true });
	return { path: destination, sizeBytes: bytes, sha256: digest, resumedFrom };

	/** One request: appends what arrives; "restart" when the server ignored our Range. */
	async function transfer(): Promise<"done" | "restart"> {
		const attempt = new AbortController();
		const stop = () => attempt.abort();
		signal?.addEventListener("abort", stop, { once: true });
		let stalled = false;
		let timer: NodeJS.Timeout | undefined;
		const arm = () => {
			clearTimeout(timer);
			timer = setTimeout(() => {
				stalled = true;
				attempt.abort();
			}, options.stallMs ?? 30_000);
		};
		arm();
		try {
			const headers: Record<string, string> = bytes > 0 ? { Range: `bytes=${bytes}-` } : {};
			const response = await options.fetch(options.url, { headers, signal: attempt.signal });
			if (response.status === 416) {
				await response.body?.cancel();
				return bytes === options.sizeBytes ? "done" : "restart";
			}
			if (!response.ok) {
				await response.body?.cancel();
				throw hubErrorForResponse(response, label, Boolean(options.tokenSet));
			}
			if (bytes > 0) {
				const start = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1];
				if (response.status !== 206 || Number(start) !== bytes) {
					// The server sent the whole file: start over rather than append it to what we have.
					await response.body?.cancel();
					return "restart";
				}
			}
			const file = await open(part, bytes > 0 ? "a" : "w");
			// Writes are gathered to ~1 MiB: one syscall per network chunk costs a third of the speed.
			let pending: Uint8Array[] = [];
			let pendingBytes = 0;
			let flushedAt = performance.now();
			const flush = async () => {
				flushedAt = performance.now();
				if (pendingBytes === 0) return;
				const data = Buffer.concat(pending, pendingBytes);
				pending = [];
				pendingBytes = 0;
				try {
					await file.write(data);
				} catch (error) {
					if ((error as NodeJS.ErrnoException).code === "ENOSPC")
						throw new HubError(
							"disk_full",
							`The disk is full while downloading ${label}; free some space and run the download again to resume`,
						);
					throw error;
				}
				hash.update(data);
				bytes += data.length;
				report();
			};
			try {
				for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
					arm();
					pending.push(chunk);
					pendingBytes += chunk.length;
					speed.add(chunk.length);
					if (pendingBytes >= WRITE_BATCH || performance.now() - flushedAt > FLUSH_EVERY_MS) await flush();
				}
			} finally {
				// What arrived before a drop is kept: the next attempt resumes after it.
				await flush().finally(() => file.close());
			}
			return "done";
		} catch (error) {
			if (stalled) throw new Error(`no data for ${(options.stallMs ?? 30_000) / 1000} s`);
			if (error instanceof HubError) throw error;
			if (signal?.aborted) throw error;
			throw new Error((error as Error).message);
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener("abort", stop);
		}
	}
}

async function restart(part: string, setHash: (h: Hash) => void): Promise<number> {
	await writeFile(part, "");
	setHash(createHash("sha256"));
	return 0;
}

async function hashExisting(path: string, hash: Hash, signal?: AbortSignal): Promise<void> {
	for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
}

function cancelled(label: string): HubError {
	return new HubError("cancelled", `Download of ${label} was cancelled; run it again to resume`);
}

/** Bytes per second over a sliding window of a few seconds. */
class SpeedMeter {
	private readonly samples: [number, number][] = [];
	add(n: number): void {
		const now = performance.now();
		this.samples.push([now, n]);
		while (this.samples.length > 1 && now - this.samples[0][0] > 3000) this.samples.shift();
	}
	rate(): number {
		if (this.samples.length < 2) return 0;
		const span = (this.samples.at(-1)![0] - this.samples[0][0]) / 1000;
		const total = this.samples.slice(1).reduce((sum, [, n]) => sum + n, 0);
		return span > 0 ? total / span : 0;
	}
}
