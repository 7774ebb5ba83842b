import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { NativeChatRequest } from "../../api/native/NativeChat.js";
import { DownloadRequest, type DownloadView, type RepoFilesView } from "../../api/native/NativeHub.js";
import {
	type LoadedModelView,
	type LoadingModelView,
	LoadRequest,
	type LocalModelView,
	UnloadRequest,
} from "../../api/native/NativeModels.js";
import { SERVER_SETTING_NAMES, ServerSettingsUpdate } from "../../api/native/NativeSettings.js";
import type { ServerStatus } from "../../api/native/NativeSystem.js";
import { readConfigFile, updateConfigFile } from "../../config/readConfigFile.js";
import { readSetting } from "../../config/settings.js";
import { detectGpu, type GpuInfo } from "../../engine/llama/detectGpu.js";
import { engineVersions } from "../../engine/llama/engineVersions.js";
import type { ScheduledModel } from "../../engine/Scheduler.js";
import { chooseHubFile } from "../../hub/chooseHubFile.js";
import type { DownloadJob } from "../../hub/DownloadManager.js";
import type { HubSort } from "../../hub/HubClient.js";
import { repoFilesWithFit } from "../../hub/repoFilesWithFit.js";
import { fitVerdict } from "../../models/fit/fitVerdict.js";
import { machineMemory } from "../../models/fit/machineMemory.js";
import { removeModel } from "../../models/removeModel.js";
import { withoutUndefined } from "../../util/withoutUndefined.js";
import { eventStream } from "../eventStream.js";
import { HttpError } from "../HttpError.js";
import { openAIErrorResponse, sseData } from "../openai/openAIFrames.js";
import { readJson } from "../readJson.js";
import type { ServerContext } from "../ServerContext.js";
import { serverSettingsView } from "../serverSettingsView.js";
import { streamFrames } from "../streamFrames.js";
import { abortOnDisconnect } from "./openai.js";

const startedAt = Date.now();

/** The native API under /hearth: what the CLI and the web UI use to manage models and chat. */
export function nativeRoutes(ctx: ServerContext, url: () => string): Hono {
	const app = new Hono();
	let gpu: Promise<GpuInfo> | undefined;
	const machine = async () => {
		gpu ??= detectGpu(readSetting("gpu")).catch(() => ({ backend: "cpu" }));
		const g = await gpu;
		return { gpu: g, memory: machineMemory(g.vram) };
	};
	const sse = (c: Context, frames: AsyncIterable<unknown>, abort: AbortController) =>
		streamFrames(c, {
			frames: (async function* () {
				for await (const event of frames) yield sseData(event);
			})(),
			contentType: "text/event-stream",
			errorFrame: (error) => sseData({ type: "error", error: { message: error.message, code: error.code } }),
			errorResponse: openAIErrorResponse,
			onDisconnect: () => abort.abort(),
		});

	app.get("/hearth/status", async (c) => {
		const { gpu: g, memory } = await machine();
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
				gpu: { backend: g.backend, vramTotalBytes: g.vram?.totalBytes, vramFreeBytes: g.vram?.freeBytes },
				engine: { name: "llama.cpp via node-llama-cpp", ...engineVersions() },
			},
			loaded: ctx.scheduler.list().map(loadedView),
		};
		return c.json(status);
	});

	app.get("/hearth/models", async (c) => {
		const { memory } = await machine();
		const loaded = new Set(ctx.scheduler.list().map((m) => m.id));
		const defaults = readConfigFile(ctx.store.home).modelDefaults ?? {};
		const models: LocalModelView[] = (await ctx.store.list()).map((m) => ({
			key: m.key,
			shortKey: m.shortKey,
			source: m.source,
			path: m.path,
			paths: m.paths,
			sizeBytes: m.sizeBytes,
			deletable: m.deletable,
			invalid: m.invalid,
			architecture: m.info?.architecture,
			parameterCount: m.info?.parameterCount,
			quantization: m.info?.quantization,
			contextLength: m.info?.contextLength,
			fit: m.info ? fitVerdict(m.info.memory, memory) : undefined,
			memoryBytes: m.info?.memory.cpuOnlyRamBytes,
			loaded: loaded.has(m.key),
			defaults: defaults[m.key],
		}));
		return c.json(models);
	});

	const configPath = join(ctx.store.home, "config.json");
	app.get("/hearth/settings", (c) => c.json(serverSettingsView(ctx, configPath)));

	app.put("/hearth/settings", async (c) => {
		const update = ServerSettingsUpdate.parse(await readJson(c));
		for (const name of SERVER_SETTING_NAMES)
			if (update[name] !== undefined && ctx.locks[name])
				throw new HttpError(
					409,
					`${name} is set by ${ctx.locks[name]}, which wins over config.json; change it there`,
					"setting_locked",
					name,
				);
		updateConfigFile(ctx.store.home, (config) => {
			const { apiKey, ...rest } = update;
			const next = { ...config, ...withoutUndefined(rest) };
			if (apiKey === null) delete next.apiKey;
			else if (apiKey !== undefined) next.apiKey = apiKey;
			return next;
		});
		const view = serverSettingsView(ctx, configPath);
		ctx.log.write(
			"info",
			"server",
			`server settings saved in ${configPath}${view.restartRequired ? "; restart Hearth to apply them" : ""}`,
		);
		return c.json(view);
	});

	app.get("/hearth/models/loaded", (c) => c.json(ctx.scheduler.list().map(loadedView)));

	app.get("/hearth/models/loading", (c) => c.json(ctx.scheduler.listLoading() satisfies LoadingModelView[]));

	app.post("/hearth/models/load", async (c) => {
		const { model, ttlSeconds, saveAsDefaults, force, ...load } = LoadRequest.parse(await readJson(c));
		if (saveAsDefaults) {
			const { key } = await ctx.store.resolve(model);
			updateConfigFile(ctx.store.home, (config) => ({ ...config, modelDefaults: { ...config.modelDefaults, [key]: load } }));
			// New defaults apply to a model already loaded only by loading it again.
			if (ctx.scheduler.isLoaded(key)) await ctx.scheduler.unload(key);
		}
		const loaded = await ctx.scheduler.load(model, { ttlSeconds, load: { ...load, force } });
		const view = ctx.scheduler.list().find((m) => m.id === loaded.id);
		return c.json(view ? loadedView(view) : loaded);
	});

	app.post("/hearth/models/unload", async (c) => {
		const request = UnloadRequest.parse(await readJson(c));
		const targets = "all" in request ? ctx.scheduler.list().map((m) => m.id) : [(await ctx.store.resolve(request.model)).key];
		if ("model" in request && !ctx.scheduler.isLoaded(targets[0]))
			throw new HttpError(404, `Model "${request.model}" is not loaded`, "model_not_loaded", "model");
		for (const id of targets) await ctx.scheduler.unload(id);
		return c.json({ unloaded: targets });
	});

	app.delete("/hearth/models", async (c) => {
		const identifier = c.req.query("model");
		if (!identifier) throw new HttpError(400, "Name the model: DELETE /hearth/models?model=<key>", "invalid_request", "model");
		const model = (await ctx.store.list()).find((m) => m.key === identifier) ?? (await ctx.store.resolve(identifier));
		if (ctx.scheduler.isLoaded(model.key)) await ctx.scheduler.unload(model.key);
		await removeModel(model, ctx.store.modelsDir).catch((error: Error) => {
			throw new HttpError(403, error.message, "model_not_deletable", "model");
		});
		return c.json({ deleted: model.key });
	});

	app.get("/hearth/hub/search", async (c) => {
		const sort = c.req.query("sort") as HubSort | undefined;
		if (sort && !["downloads", "likes", "updated"].includes(sort))
			throw new HttpError(400, "sort is downloads, likes or updated", "invalid_request", "sort");
		return c.json(await ctx.hub.search(c.req.query("q") ?? "", { sort, limit: Number(c.req.query("limit") ?? 20) }));
	});

	app.get("/hearth/hub/files", async (c) => {
		const repo = c.req.query("repo");
		if (!repo) throw new HttpError(400, "Name the repo: /hearth/hub/files?repo=<publisher/repo>", "invalid_request", "repo");
		const { memory } = await machine();
		// The card is a courtesy: a repo without one, or a hub that fails to give it, still lists its files.
		const [listing, about, card] = await Promise.all([
			repoFilesWithFit(ctx.hub, repo, memory),
			ctx.hub.repo(repo).catch(() => undefined),
			ctx.hub.modelCard(repo).catch(() => undefined),
		]);
		const view: RepoFilesView = {
			repo,
			card: about && {
				summary: card?.summary,
				license: card?.license,
				downloads: about.downloads,
				likes: about.likes,
				updatedAt: about.updatedAt,
			},
			header: listing.header && {
				architecture: listing.header.architecture,
				name: listing.header.name,
				contextLength: listing.header.contextLength,
				parameterCount: listing.header.parameterCount,
			},
			files: listing.files.map((f) => ({
				path: f.path,
				sizeBytes: f.sizeBytes,
				quantization: f.quantization,
				parts: f.parts,
				fit: f.fit,
				memoryBytes: f.estimate.cpuOnlyRamBytes,
				recommended: f.recommended,
				downloaded: ctx.downloads.isDownloaded(repo, f),
			})),
		};
		return c.json(view);
	});

	app.post("/hearth/downloads", async (c) => {
		const request = DownloadRequest.parse(await readJson(c));
		const { memory } = await machine();
		const listing = await repoFilesWithFit(ctx.hub, request.repo, memory);
		const file = chooseHubFile(listing.files, request.repo, request);
		return c.json(downloadView(ctx.downloads.start(request.repo, file)), 202);
	});

	app.get("/hearth/downloads", (c) => c.json(allDownloads(ctx)));

	app.post("/hearth/downloads/cancel", async (c) => {
		const { id } = (await readJson(c)) as { id?: string };
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
				const timer = setInterval(() => ctx.downloads.jobs().forEach(watch), 500);
				return () => {
					clearInterval(timer);
					for (const off of offs.values()) off();
				};
			},
			abort.signal,
			allDownloads(ctx),
		);
		return sse(c, events, abort);
	});

	app.get("/hearth/logs", (c) => c.json(ctx.log.recent()));

	app.get("/hearth/logs/stream", (c) => {
		const abort = abortOnDisconnect(c.req.raw.signal);
		return sse(
			c,
			eventStream((push) => ctx.log.subscribe(push), abort.signal, ctx.log.recent().slice(-100)),
			abort,
		);
	});

	app.post("/hearth/chat", async (c) => {
		const { model: identifier, messages, ttlSeconds, ...sampling } = NativeChatRequest.parse(await readJson(c));
		const abort = abortOnDisconnect(c.req.raw.signal);
		const { model, generation, loadMs } = await ctx.scheduler.chat(
			identifier,
			{ ...sampling, messages },
			{ signal: abort.signal, ttlSeconds },
		);
		return sse(
			c,
			(async function* () {
				const fragments = generation[Symbol.asyncIterator]();
				let next = await fragments.next();
				yield { type: "start", model: model.id, contextLength: model.contextLength, loadMs };
				for (; !next.done; next = await fragments.next()) yield { type: "fragment", text: next.value };
				const result = await generation;
				yield { type: "done", text: result.text, stats: result.stats };
			})(),
			abort,
		);
	});

	return app;
}

function loadedView(m: ScheduledModel): LoadedModelView {
	return { ...m, memoryBytes: residentBytes(m.pid) };
}

/** Running and finished jobs, then partial downloads nobody is working on (cancelled, or from before a restart). */
function allDownloads(ctx: ServerContext): DownloadView[] {
	const jobs = ctx.downloads.jobs();
	const latest = new Map(jobs.map((j) => [`${j.repo}/${j.file.path}`, j]));
	const paused = ctx.downloads
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

function downloadView(job: DownloadJob): DownloadView {
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

function residentBytes(pid: number): number | undefined {
	try {
		const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}
