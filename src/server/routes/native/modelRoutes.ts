import { Hono } from "hono";
import { type LoadingModelView, LoadRequest, type LocalModelView, UnloadRequest } from "../../../api/native/NativeModels.js";
import { readConfigFile, updateConfigFile } from "../../../config/readConfigFile.js";
import { deleteModel } from "../../../studio/deleteModel.js";
import { listModels } from "../../../studio/listModels.js";
import { HttpError } from "../../HttpError.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { loadedView } from "./loadedView.js";

/** Local models: the list with fit and saved defaults, what is loaded or loading, load, unload, delete. */
export function modelRoutes(ctx: ServerContext): Hono {
	const app = new Hono();

	app.get("/hearth/models", async (c) => {
		const defaults = readConfigFile(ctx.store.home).modelDefaults ?? {};
		const loaded = new Set(ctx.scheduler.list().map((m) => m.id));
		const models: LocalModelView[] = (await listModels(ctx.store, async () => (await ctx.machine()).memory, loaded)).map((m) => ({
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
			fit: m.fit,
			gpuLayers: m.gpuLayers,
			totalLayers: m.info?.memory.totalLayers,
			memoryBytes: m.info?.memory.cpuOnlyRamBytes,
			loaded: m.loaded,
			defaults: defaults[m.key],
		}));
		return c.json(models);
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
		const model = await deleteModel(ctx.store, identifier, ctx.scheduler);
		return c.json({ deleted: model.key });
	});

	return app;
}
