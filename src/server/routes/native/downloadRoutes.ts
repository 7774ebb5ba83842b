import { Hono } from "hono";
import { DownloadCancelRequest, DownloadRequest, type DownloadView } from "../../../api/native/NativeHub.js";
import type { DownloadJob } from "../../../hub/DownloadManager.js";
import { planDownload } from "../../../studio/planDownload.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { eventStream } from "../../eventStream.js";
import { HttpError } from "../../HttpError.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { downloadView, downloadViews } from "./downloadViews.js";
import { sendEvents } from "./sendEvents.js";

/** Downloads: start one (planned like `hearth get`), list, cancel, and follow them as events. */
export function downloadRoutes(ctx: ServerContext): Hono {
	const app = new Hono();

	app.post("/hearth/downloads", async (c) => {
		const request = DownloadRequest.parse(await readJson(c));
		const { memory } = await ctx.machine();
		const plan = await planDownload(ctx.hub, ctx.downloads, request, memory);
		return c.json(downloadView(ctx.downloads.start(plan.repo, plan.file)), 202);
	});

	app.get("/hearth/downloads", (c) => c.json(downloadViews(ctx.downloads)));

	app.post("/hearth/downloads/cancel", async (c) => {
		const { id } = DownloadCancelRequest.parse(await readJson(c));
		const job = ctx.downloads.jobs().find((j) => j.id === id && j.state === "downloading");
		if (!job) throw new HttpError(404, `No download in progress with id "${id}"`, "not_found", "id");
		job.cancel();
		return c.json(downloadView(job));
	});

	app.get("/hearth/downloads/events", (c) => {
		const abort = abortOnDisconnect(c.req.raw.signal);
		const events = eventStream<DownloadView>(
			(push) => {
				const offs = new Map<string, () => void>();
				const watch = (job: DownloadJob) => {
					if (!offs.has(job.id))
						offs.set(
							job.id,
							job.onChange((j) => push(downloadView(j))),
						);
				};
				for (const job of ctx.downloads.jobs()) watch(job);
				// New jobs start elsewhere (other requests, the CLI through the API): look for them twice a second.
				const timer = setInterval(() => ctx.downloads.jobs().forEach(watch), 500);
				return () => {
					clearInterval(timer);
					for (const off of offs.values()) off();
				};
			},
			abort.signal,
			downloadViews(ctx.downloads),
		);
		return sendEvents(c, events, abort);
	});

	return app;
}
