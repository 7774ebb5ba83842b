import { useEffect, useState } from "react";
import type { DownloadView } from "../../../src/api/native/NativeHub.js";
import { api, errorText, formatBytes } from "../api.js";

/** Every download with its progress, speed, ETA, cancel, and the reason when one fails. */
export function Downloads() {
	const [jobs, setJobs] = useState<Map<string, DownloadView>>(new Map());
	const [error, setError] = useState<string>();
	useEffect(() => {
		const controller = new AbortController();
		(async () => {
			try {
				for await (const job of api.downloadEvents(controller.signal)) setJobs((current) => new Map(current).set(job.id, job));
			} catch (e) {
				if (!controller.signal.aborted) setError(errorText(e));
			}
		})();
		return () => controller.abort();
	}, []);
	const list = [...jobs.values()].reverse();
	return (
		<section className="view downloads">
			{error && <p className="error">{error}</p>}
			{list.length === 0 && <p className="muted">No downloads yet. Find a model in Discover.</p>}
			<ul aria-label="Downloads">
				{list.map((job) => (
					<li key={job.id} className={`job ${job.state}`} data-state={job.state}>
						<div className="row">
							<strong>
								{job.repo}/{job.file}
							</strong>
							<span className="muted">{job.state}</span>
						</div>
						<progress max={job.totalBytes} value={job.bytes} aria-label={`Progress of ${job.file}`} />
						<div className="row muted">
							<span>
								{formatBytes(job.bytes)} of {formatBytes(job.totalBytes)}
							</span>
							{job.state === "downloading" && (
								<span>
									{formatBytes(job.bytesPerSecond)}/s · ETA{" "}
									{job.etaSeconds === undefined ? "–" : `${Math.round(job.etaSeconds)} s`}
								</span>
							)}
							{job.state === "downloading" && (
								<button type="button" onClick={() => void api.cancelDownload(job.id).catch((e) => setError(errorText(e)))}>
									Cancel
								</button>
							)}
							{(job.state === "paused" || job.state === "failed" || job.state === "cancelled") && (
								<button
									type="button"
									onClick={() =>
										void api
											.download({ repo: job.repo, file: job.file })
											.then((started) =>
												setJobs((current) => new Map([...current].filter(([id]) => id !== job.id)).set(started.id, started)),
											)
											.catch((e) => setError(errorText(e)))
									}
								>
									Resume
								</button>
							)}
						</div>
						{job.error && <p className="error">{job.error}</p>}
					</li>
				))}
			</ul>
		</section>
	);
}
