import type { DownloadView } from "../../../api/native/NativeHub.js";
import type { DownloadJob, DownloadManager } from "../../../hub/DownloadManager.js";

/** Running and finished jobs, then partial downloads nobody is working on (cancelled, or from before a restart). */
export function downloadViews(downloads: DownloadManager): DownloadView[] {
	const jobs = downloads.jobs();
	const latest = new Map(jobs.map((j) => [`${j.repo}/${j.file.path}`, j]));
	const paused = downloads
		.paused()
		.filter((p) => latest.get(`${p.repo}/${p.file}`)?.state !== "done")
		.map((p) => ({
			id: `${p.repo}/${p.file}#paused`,
			repo: p.repo,
			file: p.file,
			state: "paused" as const,
			bytes: p.bytes,
			totalBytes: p.totalBytes,
			bytesPerSecond: 0,
		}));
	return [...jobs.filter((j) => j.state !== "cancelled").map(downloadView), ...paused];
}

/** One job as the native API shows it. */
export function downloadView(job: DownloadJob): DownloadView {
	return {
		id: job.id,
		repo: job.repo,
		file: job.file.path,
		state: job.state,
		bytes: job.progress.bytes,
		totalBytes: job.file.sizeBytes,
		bytesPerSecond: job.progress.bytesPerSecond,
		etaSeconds: job.progress.etaSeconds,
		error: job.error?.message,
		key: job.state === "done" ? `${job.repo}/${job.file.path}` : undefined,
	};
}
