import { cpus } from "node:os";
import { Hono } from "hono";
import type { ServerStatus } from "../../../api/native/NativeSystem.js";
import { readSetting } from "../../../config/settings.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { eventStream } from "../../eventStream.js";
import type { ServerContext } from "../../ServerContext.js";
import { loadedView } from "./loadedView.js";
import { sendEvents } from "./sendEvents.js";

const startedAt = Date.now();

/** The server itself: status (machine, engine, settings, loaded models) and the log. */
export function systemRoutes(ctx: ServerContext, url: () => string): Hono {
	const app = new Hono();

	app.get("/hearth/status", async (c) => {
		const { engine, memory } = await ctx.machine();
		const status: ServerStatus = {
			version: ctx.version.replace(/^hearth-/, ""),
			url: url(),
			uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
			settings: { ...ctx.settings, modelsDir: ctx.store.modelsDir },
			system: {
				cpu: cpus()[0]?.model ?? "unknown",
				cores: cpus().length,
				ramTotalBytes: memory.ramTotalBytes,
				ramAvailableBytes: memory.ramAvailableBytes,
				gpu: {
					backend: engine.backend,
					available: engine.backends ?? [engine.backend],
					setting: readSetting("gpu", ctx.env),
					vramTotalBytes: engine.vram?.totalBytes,
					vramFreeBytes: engine.vram?.freeBytes,
				},
				engine: {
					name: engine.name,
					nodeLlamaCpp: engine.versions.nodeLlamaCpp ?? "unknown",
					llamaCpp: engine.versions.llamaCpp ?? "unknown",
				},
			},
			loaded: ctx.scheduler.list().map(loadedView),
		};
		return c.json(status);
	});

	app.get("/hearth/logs", (c) => c.json(ctx.log.recent()));

	app.get("/hearth/logs/stream", (c) => {
		const abort = abortOnDisconnect(c.req.raw.signal);
		return sendEvents(
			c,
			eventStream((push) => ctx.log.subscribe(push), abort.signal, ctx.log.recent().slice(-100)),
			abort,
		);
	});

	return app;
}
