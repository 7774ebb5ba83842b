import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readSetting } from "../config/settings.js";
import { assertSafeRelativePath, parseRepoId } from "../models/safeNames.js";
import { type DownloadProgress, downloadFile, type PartInfo } from "./downloadFile.js";
import { HubError } from "./errors/HubError.js";
import type { HubClient, HubFile } from "./HubClient.js";

export type DownloadState = "downloading" | "done" | "failed" | "cancelled";

/** A partial download on disk that nothing is working on. */
export interface PausedDownload {
	repo: string;
	file: string;
	bytes: number;
	totalBytes: number;
}

export interface DownloadResult {
	/** The model's key in the store: `publisher/repo/file.gguf`. */
	key: string;
	path: string;
	sizeBytes: number;
	/** Bytes reused from interrupted attempts. */
	resumedBytes: number;
}

/** One model download (every part of a split model), shared by everyone who asks for it. */
export class DownloadJob {
	state: DownloadState = "downloading";
	progress: DownloadProgress;
	error?: HubError | Error;
	readonly done: Promise<DownloadResult>;
	private readonly controller = new AbortController();
	private readonly listeners = new Set<(job: DownloadJob) => void>();

	constructor(
		readonly id: string,
		readonly repo: string,
		readonly file: HubFile,
		run: (job: DownloadJob, signal: AbortSignal) => Promise<DownloadResult>,
	) {
		this.progress = { bytes: 0, totalBytes: file.sizeBytes, bytesPerSecond: 0, resumedFrom: 0 };
		this.done = run(this, this.controller.signal).then(
			(result) => {
				this.state = "done";
				this.emit();
				return result;
			},
			(error: Error) => {
				this.state = error instanceof HubError && error.kind === "cancelled" ? "cancelled" : "failed";
				this.error = error;
				this.emit();
				throw error;
			},
		);
		this.done.catch(() => {}); // observed through state and listeners too
	}

	/** Stops the transfer; the partial file stays, and starting the download again resumes it. */
	cancel(): void {
		this.controller.abort();
	}

	onChange(listener: (job: DownloadJob) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	emit(): void {
		for (const listener of this.listeners) listener(this);
	}
}

/**
 * Downloads into `<modelsDir>/<publisher>/<repo>/<file>`. Asking again for a file that is being
 * downloaded joins the transfer in progress instead of starting a second one.
 */
export class DownloadManager {
	private readonly active = new Map<string, DownloadJob>();
	private readonly finished: DownloadJob[] = [];
	private started = 0;
	private readonly startListeners = new Set<(job: DownloadJob) => void>();

	private readonly stallMs: number;

	/** `stallSeconds`: a transfer silent this long is retried; default HEARTH_DOWNLOAD_STALL_SECONDS. */
	constructor(
		private readonly hub: HubClient,
		readonly modelsDir: string,
		options: { stallSeconds?: number } = {},
	) {
		this.stallMs = (options.stallSeconds ?? readSetting("downloadStallSeconds")) * 1000;
	}

	/** Where a repo's file lands, checked for safety. */
	destination(repo: string, path: string): string {
		const { publisher, repo: name } = parseRepoId(repo);
		return join(this.modelsDir, publisher, name, ...assertSafeRelativePath(path, "file name"));
	}

	/** True when every part of the file is already in place. */
	isDownloaded(repo: string, file: HubFile): boolean {
		return file.parts.every((p) => existsSync(this.destination(repo, p.path)));
	}

	start(repo: string, file: HubFile): DownloadJob {
		const transfer = `${repo}/${file.path}`;
		const running = this.active.get(transfer);
		if (running) return running;
		// Ids stay unique across repeated downloads of one file, so a job can be told from its predecessors.
		const job = new DownloadJob(`${transfer}#${++this.started}`, repo, file, (j, signal) => this.run(j, signal));
		this.active.set(transfer, job);
		for (const listener of this.startListeners) listener(job);
		job.done
			.finally(() => {
				this.active.delete(transfer);
				this.finished.push(job);
			})
			.catch(() => {});
		return job;
	}

	/** Called with each new job as it starts (not with one joined while it runs). */
	onStart(listener: (job: DownloadJob) => void): () => void {
		this.startListeners.add(listener);
		return () => this.startListeners.delete(listener);
	}

	jobs(): DownloadJob[] {
		return [...this.active.values(), ...this.finished];
	}

	/**
	 * Downloads interrupted earlier (this run or a previous one: a crash, a restart) that are not
	 * running now: their `.part` files, with what they hold. Starting one again resumes it.
	 */
	paused(): PausedDownload[] {
		const found: PausedDownload[] = [];
		const walk = (dir: string, depth: number) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const path = join(dir, entry.name);
				if (entry.isDirectory() && depth < 6) walk(path, depth + 1);
				else if (entry.name.endsWith(".part.json")) {
					try {
						const info = JSON.parse(readFileSync(path, "utf8")) as PartInfo;
						if (!info.origin || this.active.has(`${info.origin.repo}/${info.origin.file}`)) continue;
						const part = path.slice(0, -".json".length);
						found.push({ ...info.origin, bytes: existsSync(part) ? statSync(part).size : 0, totalBytes: info.sizeBytes ?? 0 });
					} catch {
						// an unreadable note: nothing to offer
					}
				}
			}
		};
		if (existsSync(this.modelsDir)) walk(this.modelsDir, 0);
		return found;
	}

	private async run(job: DownloadJob, signal: AbortSignal): Promise<DownloadResult> {
		// Checked before any byte moves: without a size and a sha256 a download could be neither finished nor verified.
		for (const part of job.file.parts)
			if (!Number.isSafeInteger(part.sizeBytes) || part.sizeBytes < 0 || !/^[0-9a-f]{64}$/.test(part.sha256 ?? ""))
				throw new HubError(
					"unavailable",
					`Hearth does not download ${job.repo}/${part.path}: the hub publishes no valid size and sha256 to check it against`,
				);
		let before = 0;
		let resumedBytes = 0;
		for (const part of job.file.parts) {
			const destination = this.destination(job.repo, part.path);
			if (existsSync(destination)) {
				before += part.sizeBytes;
				continue;
			}
			const result = await downloadFile({
				url: this.hub.resolveUrl(job.repo, part.path),
				destination,
				fetch: this.hub.fetch,
				sha256: part.sha256,
				sizeBytes: part.sizeBytes,
				signal,
				label: `${job.repo}/${part.path}`,
				tokenSet: this.hub.tokenSet,
				stallMs: this.stallMs,
				origin: { repo: job.repo, file: job.file.path },
				onProgress: (p) => {
					job.progress = {
						...p,
						bytes: before + p.bytes,
						resumedFrom: resumedBytes + p.resumedFrom,
						totalBytes: job.file.sizeBytes,
						etaSeconds: p.bytesPerSecond > 0 ? (job.file.sizeBytes - before - p.bytes) / p.bytesPerSecond : undefined,
					};
					job.emit();
				},
			});
			before += result.sizeBytes;
			resumedBytes += result.resumedFrom;
		}
		const { publisher, repo } = parseRepoId(job.repo);
		return {
			key: `${publisher}/${repo}/${job.file.path}`,
			path: this.destination(job.repo, job.file.path),
			sizeBytes: job.file.sizeBytes,
			resumedBytes,
		};
	}
}
