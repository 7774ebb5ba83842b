import { type Context, Hono } from "hono";
import {
	OllamaChatRequest,
	OllamaEmbedRequest,
	OllamaGenerateRequest,
	OllamaLegacyEmbedRequest,
	OllamaModelRequest,
} from "../../api/ollama/OllamaRequests.js";
import type {
	OllamaDoneReason,
	OllamaEmbedResponse,
	OllamaLegacyEmbedResponse,
	OllamaPsResponse,
	OllamaShowResponse,
	OllamaTagsResponse,
} from "../../api/ollama/OllamaResponses.js";
import type { ChatMessage, LoadOptions } from "../../engine/Engine.js";
import type { Scheduled } from "../../engine/Scheduler.js";
import { parseModelSpec } from "../../hub/modelSpec.js";
import { ModelNotFoundError } from "../../models/ModelNotFoundError.js";
import { deleteModel } from "../../studio/deleteModel.js";
import { embed } from "../../studio/embed.js";
import { usableModels } from "../../studio/listModels.js";
import { modelDigests } from "../../studio/modelDigests.js";
import { planDownload } from "../../studio/planDownload.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { HttpError } from "../HttpError.js";
import { fromOllamaOptions, ollamaTimings, toOllamaModel } from "../ollama/ollamaTranslate.js";
import { parseKeepAlive } from "../ollama/parseKeepAlive.js";
import { readJson } from "../readJson.js";
import type { ServerContext } from "../ServerContext.js";
import { stopReasonIn } from "../stopReasonNames.js";
import { streamFrames } from "../streamFrames.js";

const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const ndjson = (abort?: AbortController) => ({
	contentType: "application/x-ndjson",
	errorFrame: (error: HttpError) => line({ error: error.message }),
	errorResponse: (error: HttpError) => Response.json({ error: error.message }, { status: error.status, headers: error.headers }),
	onDisconnect: () => abort?.abort(),
});

/**
 * The Ollama dialect (`/api/*`) as Ollama's docs and the `ollama` npm client define it: NDJSON
 * streams by default, nanosecond timings, keep_alive, and `{"error": "…"}` errors.
 */
export function ollamaRoutes(ctx: ServerContext): Hono {
	const app = new Hono();

	app.get("/api/version", (c) => c.json({ version: ctx.version.replace(/^hearth-/, "") }));

	app.get("/api/tags", async (c) => {
		const models = await usableModels(ctx.store);
		const digests = await modelDigests(ctx.store.home, models);
		return c.json({ models: models.map((m) => toOllamaModel(m, digests.get(m.key))) } satisfies OllamaTagsResponse);
	});

	app.get("/api/ps", async (c) => {
		const local = new Map((await ctx.store.list()).map((m) => [m.key, m]));
		const loadedModels = ctx.scheduler.list().flatMap((loaded) => local.get(loaded.id) ?? []);
		const digests = await modelDigests(ctx.store.home, loadedModels);
		const models = ctx.scheduler.list().flatMap((loaded) => {
			const model = local.get(loaded.id);
			if (!model) return [];
			return [
				{
					...toOllamaModel(model, digests.get(model.key)),
					expires_at: new Date(loaded.expiresAt ?? Date.now() + loaded.ttlSeconds * 1000).toISOString(),
					size_vram: 0,
					context_length: loaded.contextLength,
				},
			];
		});
		return c.json({ models } satisfies OllamaPsResponse);
	});

	app.post("/api/show", async (c) => {
		const { model: name } = OllamaModelRequest.parse(await readJson(c));
		const model = await ctx.store.resolve(name).catch(ollamaNotFound(name));
		const info = model.info;
		const architecture = info?.architecture ?? "unknown";
		const show: OllamaShowResponse = {
			license: "",
			modelfile: `FROM ${model.path}\n`,
			parameters: "",
			template: info?.chatTemplate ?? "",
			system: "",
			details: toOllamaModel(model).details,
			model_info: {
				"general.architecture": architecture,
				"general.name": info?.name,
				"general.parameter_count": info?.parameterCount,
				"general.file_type": info?.quantization,
				[`${architecture}.context_length`]: info?.contextLength,
				[`${architecture}.block_count`]: info?.layers,
				[`${architecture}.embedding_length`]: info?.embeddingLength,
				"tokenizer.ggml.vocab_size": info?.vocabSize,
			},
			capabilities: ["completion", "embedding"],
			modified_at: new Date(model.modifiedAt).toISOString(),
		};
		return c.json(show);
	});

	app.post("/api/chat", async (c) => {
		const body = OllamaChatRequest.parse(await readJson(c));
		const { sampling, load } = fromOllamaOptions(body.options, body.format);
		const ttlSeconds = parseKeepAlive(body.keep_alive);
		if (body.messages.length === 0) return loadOrUnload(c, ctx, body.model, ttlSeconds, load, (reason) => chatFields("", reason));
		const messages: ChatMessage[] = body.messages.map((m) => ({ role: m.role, content: m.content }));
		const startedAt = performance.now();
		const abort = abortOnDisconnect(c.req.raw.signal);
		const scheduled = await ctx.scheduler.chat(body.model, { ...sampling, messages }, { signal: abort.signal, ttlSeconds, load });
		return respond(c, body.model, scheduled, startedAt, body.stream, abort, chatFields, body.think !== false);
	});

	app.post("/api/generate", async (c) => {
		const body = OllamaGenerateRequest.parse(await readJson(c));
		const { sampling, load } = fromOllamaOptions(body.options, body.format);
		const ttlSeconds = parseKeepAlive(body.keep_alive);
		if (body.prompt === "") return loadOrUnload(c, ctx, body.model, ttlSeconds, load, (reason) => generateFields("", reason));
		const startedAt = performance.now();
		const abort = abortOnDisconnect(c.req.raw.signal);
		const options = { signal: abort.signal, ttlSeconds, load };
		// Like Ollama, the prompt is a user message in the model's template unless `raw`.
		const scheduled = body.raw
			? await ctx.scheduler.complete(body.model, { ...sampling, prompt: body.prompt }, options)
			: await ctx.scheduler.chat(
					body.model,
					{
						...sampling,
						messages: [
							...(body.system ? [{ role: "system" as const, content: body.system }] : []),
							{ role: "user", content: body.prompt },
						],
					},
					options,
				);
		return respond(c, body.model, scheduled, startedAt, body.stream, abort, generateFields, body.think !== false);
	});

	app.post("/api/embed", async (c) => {
		const body = OllamaEmbedRequest.parse(await readJson(c));
		const inputs = typeof body.input === "string" ? [body.input] : body.input;
		const startedAt = performance.now();
		const { vectors, tokens } = await embed(ctx.scheduler, body.model, inputs, {
			ttlSeconds: parseKeepAlive(body.keep_alive),
			load: fromOllamaOptions(body.options).load,
		});
		return c.json({
			model: body.model,
			embeddings: vectors,
			total_duration: Math.round((performance.now() - startedAt) * 1e6),
			load_duration: 0,
			prompt_eval_count: tokens,
		} satisfies OllamaEmbedResponse);
	});

	// The endpoint Ollama had before /api/embed, still used by older clients (LangChain's, Continue's).
	app.post("/api/embeddings", async (c) => {
		const body = OllamaLegacyEmbedRequest.parse(await readJson(c));
		const { vectors } = await embed(ctx.scheduler, body.model, [body.prompt], {
			ttlSeconds: parseKeepAlive(body.keep_alive),
			load: fromOllamaOptions(body.options).load,
		});
		return c.json({ embedding: vectors[0] } satisfies OllamaLegacyEmbedResponse);
	});

	app.delete("/api/delete", async (c) => {
		const { model: name } = OllamaModelRequest.parse(await readJson(c));
		await deleteModel(ctx.store, name, ctx.scheduler).catch(ollamaNotFound(name));
		return c.body(null, 200);
	});

	app.post("/api/pull", async (c) => {
		const { model: name, stream } = OllamaModelRequest.parse(await readJson(c));
		const spec = parseModelSpec(name);
		const frames = (async function* () {
			yield line({ status: "pulling manifest" });
			const { file } = await planDownload(ctx.hub, ctx.downloads, spec, (await ctx.machine()).memory);
			const job = ctx.downloads.start(spec.repo, file);
			const digest = `sha256:${file.parts[0].sha256 ?? "unknown"}`;
			let last = -1;
			const updates: { completed: number }[] = [];
			let wake: (() => void) | undefined;
			job.onChange((j) => {
				updates.push({ completed: j.progress.bytes });
				wake?.();
			});
			const finished = job.done.then(
				() => undefined,
				(error: Error) => error,
			);
			let failure: Error | undefined;
			for (;;) {
				const settled = await Promise.race([
					finished.then((e) => ({ e })),
					new Promise<undefined>((r) => (wake = () => r(undefined))),
				]);
				for (const u of updates.splice(0))
					if (u.completed !== last) {
						last = u.completed;
						yield line({ status: `pulling ${digest.slice(7, 19)}`, digest, total: file.sizeBytes, completed: u.completed });
					}
				if (settled) {
					failure = settled.e;
					break;
				}
			}
			if (failure) throw failure;
			yield line({ status: `pulling ${digest.slice(7, 19)}`, digest, total: file.sizeBytes, completed: file.sizeBytes });
			yield line({ status: "verifying sha256 digest" });
			yield line({ status: "writing manifest" });
			yield line({ status: "success" });
		})();
		if (!stream) {
			for await (const _ of frames);
			return c.json({ status: "success" });
		}
		return streamFrames(c, { frames, ...ndjson() });
	});

	return app;
}

/** A missing model in Ollama's own words (`model 'x' not found`); any other error as it is. */
function ollamaNotFound(name: string): (error: unknown) => never {
	return (error) => {
		if (error instanceof ModelNotFoundError) throw new HttpError(404, `model '${name}' not found`, "model_not_found");
		throw error;
	};
}

/** An empty prompt or message list loads the model (or, with keep_alive 0, unloads it), as in Ollama. */
async function loadOrUnload(
	c: Context,
	ctx: ServerContext,
	name: string,
	ttlSeconds: number | undefined,
	load: LoadOptions,
	shape: (reason: "load" | "unload") => Record<string, unknown>,
): Promise<Response> {
	if (ttlSeconds === 0) {
		await ctx.scheduler.unload(name);
		return c.json({ model: name, created_at: new Date().toISOString(), ...shape("unload") });
	}
	await ctx.scheduler.load(name, { ttlSeconds, load });
	return c.json({ model: name, created_at: new Date().toISOString(), ...shape("load") });
}

/** The fields after `created_at` of one line: the text, then, on the last line, `done` and why, in Ollama's order. */
type AnswerFields = (text: string, end?: OllamaDoneReason, thinking?: string) => Record<string, unknown>;

// Ollama's ChatResponse declares done_reason before done; its GenerateResponse after (Go writes fields in order).
const chatFields: AnswerFields = (text, end, thinking) => ({
	message: { role: "assistant", content: text, ...(thinking ? { thinking } : {}) },
	...(end ? { done_reason: end, done: true } : { done: false }),
});
const generateFields: AnswerFields = (text, end, thinking) => ({
	response: text,
	...(thinking ? { thinking } : {}),
	done: end !== undefined,
	...(end ? { done_reason: end } : {}),
});

/** One answer in Ollama's shape: NDJSON fragments then a final object with timings, or one object. */
function respond(
	c: Context,
	name: string,
	{ generation, loadMs }: Scheduled,
	startedAt: number,
	stream: boolean,
	abort: AbortController,
	fields: AnswerFields,
	think: boolean,
): Promise<Response> | Response {
	const final = async (text: string, thinking?: string) => {
		const result = await generation;
		return {
			model: name,
			created_at: new Date().toISOString(),
			...fields(text, stopReasonIn("ollama", result.stats.stopReason), thinking),
			...ollamaTimings(result, loadMs, startedAt),
		};
	};
	// `think: false` hides a thinking model's reasoning; it cannot stop the model from thinking.
	if (!stream) return generation.then(async (result) => c.json(await final(result.text, think ? result.reasoning : undefined)));
	return streamFrames(c, {
		frames: (async function* () {
			for await (const chunk of generation.chunks()) {
				const created_at = new Date().toISOString();
				if (chunk.type === "text") yield line({ model: name, created_at, ...fields(chunk.text) });
				else if (chunk.type === "reasoning" && think)
					yield line({ model: name, created_at, ...fields("", undefined, chunk.text) });
			}
			yield line(await final(""));
		})(),
		...ndjson(abort),
	});
}
