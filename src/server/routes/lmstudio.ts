import { Hono } from "hono";
import type { LmStudioExtras, LmStudioModel, LmStudioModelList } from "../../api/lmstudio/LmStudioResponses.js";
import type { GenerationResult, LoadedModel } from "../../engine/Engine.js";
import type { ScheduledModel } from "../../engine/Scheduler.js";
import type { LocalModel } from "../../models/ModelStore.js";
import { publisherOf } from "../../models/publisherOf.js";
import { usableModels } from "../../studio/listModels.js";
import { HttpError } from "../HttpError.js";
import type { ServerContext } from "../ServerContext.js";
import { stopReasonIn } from "../stopReasonNames.js";
import { chatCompletions, type Extras, embeddings, textCompletions } from "./openai.js";

/** LM Studio's REST API (`/api/v0`): OpenAI's shapes plus `stats`, `model_info` and `runtime`. */
export function lmStudioRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	const describe = (m: LocalModel, loaded?: ScheduledModel): LmStudioModel => ({
		id: m.key,
		object: "model",
		type: "llm",
		publisher: publisherOf(m),
		arch: m.info?.architecture,
		compatibility_type: "gguf",
		quantization: m.info?.quantization,
		state: loaded ? "loaded" : "not-loaded",
		max_context_length: m.info?.contextLength,
		...(loaded ? { loaded_context_length: loaded.contextLength } : {}),
	});

	app.get("/api/v0/models", async (c) => {
		const loaded = new Map(ctx.scheduler.list().map((m) => [m.id, m]));
		const list: LmStudioModelList = {
			object: "list",
			data: (await usableModels(ctx.store)).map((m) => describe(m, loaded.get(m.key))),
		};
		return c.json(list);
	});

	app.get("/api/v0/models/*", async (c) => {
		const id = decodeURIComponent(c.req.path.slice("/api/v0/models/".length));
		if (!id) throw new HttpError(400, "Name a model: /api/v0/models/{model}", "invalid_request");
		const model = await ctx.store.resolve(id);
		return c.json(
			describe(
				model,
				ctx.scheduler.list().find((m) => m.id === model.key),
			),
		);
	});

	const extras: Extras = async (model: LoadedModel, result: GenerationResult) => {
		const [local, { engine }] = await Promise.all([ctx.store.resolve(model.id).catch(() => undefined), ctx.machine()]);
		const { stats } = result;
		const added: LmStudioExtras = {
			stats: {
				tokens_per_second: stats.tokensPerSecond,
				time_to_first_token: stats.timeToFirstTokenMs / 1000,
				generation_time: (stats.totalMs - stats.timeToFirstTokenMs) / 1000,
				stop_reason: stopReasonIn("lmstudio", stats.stopReason),
				...(stats.draftTokens === undefined
					? {}
					: {
							total_draft_tokens_count: stats.draftTokens,
							accepted_draft_tokens_count: stats.acceptedDraftTokens ?? 0,
							rejected_draft_tokens_count: stats.draftTokens - (stats.acceptedDraftTokens ?? 0),
						}),
			},
			model_info: {
				arch: local?.info?.architecture,
				quant: local?.info?.quantization,
				format: "gguf",
				context_length: model.contextLength,
			},
			runtime: { name: engine.name, version: engine.versions.nodeLlamaCpp ?? "unknown", supported_formats: ["gguf"] },
		};
		return added;
	};
	app.post("/api/v0/chat/completions", (c) => chatCompletions(ctx, c, extras));
	app.post("/api/v0/completions", (c) => textCompletions(ctx, c, extras));
	app.post("/api/v0/embeddings", (c) => embeddings(ctx, c));
	return app;
}
