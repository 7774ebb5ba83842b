import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import { OpenAIChatRequest } from "../../api/openai/OpenAIChatRequest.js";
import { OpenAICompletionRequest } from "../../api/openai/OpenAICompletionRequest.js";
import { OpenAIEmbeddingRequest } from "../../api/openai/OpenAIEmbeddingRequest.js";
import type {
	OpenAIChatChunk,
	OpenAIChatCompletion,
	OpenAIEmbeddingList,
	OpenAIModel,
	OpenAIModelList,
	OpenAITextCompletion,
	Usage,
} from "../../api/openai/OpenAIResponses.js";
import { readSetting } from "../../config/settings.js";
import { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import type { GenerationChunk, GenerationResult, LoadedModel, ToolCall } from "../../engine/Engine.js";
import type { LocalModel } from "../../models/ModelStore.js";
import { publisherOf } from "../../models/publisherOf.js";
import { embed } from "../../studio/embed.js";
import { groundInlined } from "../../studio/groundInlined.js";
import { usableModels } from "../../studio/listModels.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { HttpError } from "../HttpError.js";
import { fromOpenAIChatRequest, fromOpenAISampling, type TranslatedRequest } from "../openai/fromOpenAIRequest.js";
import { inlineOpenAIFiles } from "../openai/inlineOpenAIFiles.js";
import { openAIErrorBody, openAIErrorResponse, SSE_DONE, sseData } from "../openai/openAIFrames.js";
import { readJson } from "../readJson.js";
import type { ServerContext } from "../ServerContext.js";
import { stopReasonIn } from "../stopReasonNames.js";
import { streamFrames } from "../streamFrames.js";

/** Fields a dialect built on OpenAI's adds to the answer (LM Studio's `stats`, `model_info`, `runtime`). */
export type Extras = (model: LoadedModel, result: GenerationResult) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** A streamed delta of a chat answer. */
type ChatDelta = OpenAIChatChunk["choices"][0]["delta"];
/** The message of a whole chat answer. */
type ChatMessageOut = OpenAIChatCompletion["choices"][0]["message"];

/**
 * The OpenAI dialect, as the official API and the `openai` npm client expect it: translations
 * around the scheduler, which every dialect shares.
 */
export function openAIRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	const describe = (m: LocalModel): OpenAIModel => {
		const loaded = ctx.scheduler.list().find((l) => l.id === m.key);
		return {
			id: m.key,
			object: "model",
			created: Math.floor(m.modifiedAt / 1000),
			owned_by: publisherOf(m),
			loaded: loaded !== undefined,
			max_context_length: m.info?.contextLength,
			loaded_context_length: loaded?.contextLength,
		};
	};
	app.get("/v1/models", async (c) =>
		c.json({ object: "list", data: (await usableModels(ctx.store)).map(describe) } satisfies OpenAIModelList),
	);
	// The openai client's models.retrieve(id); ids hold slashes, so the rest of the path is the id.
	app.get("/v1/models/*", async (c) => {
		const id = decodeURIComponent(c.req.path.slice("/v1/models/".length));
		return c.json(describe(await ctx.store.resolve(id)));
	});
	app.post("/v1/chat/completions", (c) => chatCompletions(ctx, c));
	app.post("/v1/completions", (c) => textCompletions(ctx, c));
	app.post("/v1/embeddings", (c) => embeddings(ctx, c));
	app.all("/v1/*", () => {
		throw new HttpError(404, "No such route in the OpenAI API", "not_found");
	});
	return app;
}

/** POST …/chat/completions, streamed or whole; `extras` are merged into the final object. */
export async function chatCompletions(ctx: ServerContext, c: Context, extras?: Extras): Promise<Response> {
	const parsed = OpenAIChatRequest.parse(await readJson(c));
	const documents = new InlinedDocuments(readSetting("maxAttachmentMb", ctx.env) * 2 ** 20);
	const body = { ...parsed, messages: await inlineOpenAIFiles(parsed.messages, documents) };
	const request = fromOpenAIChatRequest(body);
	const abort = abortOnDisconnect(c.req.raw.signal);
	const { messages } = await groundInlined(ctx.scheduler, request.model, request.messages, documents, {
		embeddingModel: readSetting("embeddingModel", ctx.env),
		answerTokens: request.sampling.maxTokens,
		home: ctx.store.home,
		signal: abort.signal,
	});
	const scheduled = await ctx.scheduler.chat(
		request.model,
		{ ...request.sampling, messages, tools: request.tools, toolChoice: request.toolChoice },
		{ signal: abort.signal, ttlSeconds: request.ttlSeconds },
	);
	const { model, generation } = scheduled;
	const id = `chatcmpl-${randomUUID()}`;
	const created = Math.floor(Date.now() / 1000);
	const head = <T extends string>(object: T) => ({ id, object, created, model: model.id, system_fingerprint: ctx.version });
	if (!request.stream) {
		const result = await generation;
		const message: ChatMessageOut = {
			role: "assistant",
			content: result.toolCalls && !result.text ? null : result.text,
			...(result.reasoning ? { reasoning_content: result.reasoning } : {}),
			...(result.toolCalls ? { tool_calls: result.toolCalls.map(toOpenAIToolCall) } : {}),
		};
		const completion: OpenAIChatCompletion = {
			...head("chat.completion"),
			choices: [
				{
					index: 0,
					message,
					logprobs: null,
					finish_reason: stopReasonIn("openai", result.stats.stopReason),
				},
			],
			usage: usage(result),
		};
		return c.json({ ...completion, ...(await extras?.(model, result)) });
	}
	const chunk = (delta: ChatDelta, finish: OpenAIChatChunk["choices"][0]["finish_reason"]) => ({
		...head("chat.completion.chunk"),
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
	});
	return streamFrames(c, {
		frames: (async function* () {
			// Wait for the model's first piece (or its failure) before the first frame, so that a
			// request that fails early still gets a real status.
			const pieces = generation.chunks();
			let next = await pieces.next();
			yield sseData(chunk({ role: "assistant", content: "" }, null));
			const begun = new Set<number>();
			for (; !next.done; next = await pieces.next()) {
				const delta = toDelta(next.value, begun);
				if (delta) yield sseData(chunk(delta, null));
			}
			const result = await generation;
			yield sseData({ ...chunk({}, stopReasonIn("openai", result.stats.stopReason)), ...(await extras?.(model, result)) });
			if (request.includeUsage) yield sseData({ ...head("chat.completion.chunk"), choices: [], usage: usage(result) });
			yield SSE_DONE;
		})(),
		...openAIStreamShape(abort),
	});
}

/** POST …/completions, streamed or whole. */
export async function textCompletions(ctx: ServerContext, c: Context, extras?: Extras): Promise<Response> {
	const body = OpenAICompletionRequest.parse(await readJson(c));
	const request: TranslatedRequest = fromOpenAISampling(body);
	const prompt = typeof body.prompt === "string" ? body.prompt : body.prompt[0];
	const abort = abortOnDisconnect(c.req.raw.signal);
	const { model, generation } = await ctx.scheduler.complete(
		request.model,
		{ ...request.sampling, prompt },
		{ signal: abort.signal, ttlSeconds: request.ttlSeconds },
	);
	const base = {
		id: `cmpl-${randomUUID()}`,
		object: "text_completion" as const,
		created: Math.floor(Date.now() / 1000),
		model: model.id,
		system_fingerprint: ctx.version,
	};
	if (!request.stream) {
		const result = await generation;
		const completion: OpenAITextCompletion = {
			...base,
			choices: [{ index: 0, text: result.text, logprobs: null, finish_reason: stopReasonIn("openai", result.stats.stopReason) }],
			usage: usage(result),
		};
		return c.json({ ...completion, ...(await extras?.(model, result)) });
	}
	return streamFrames(c, {
		frames: (async function* () {
			for await (const text of generation)
				yield sseData({ ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: null }] });
			const result = await generation;
			yield sseData({
				...base,
				choices: [{ index: 0, text: "", logprobs: null, finish_reason: stopReasonIn("openai", result.stats.stopReason) }],
				...(await extras?.(model, result)),
			});
			if (request.includeUsage) yield sseData({ ...base, choices: [], usage: usage(result) });
			yield SSE_DONE;
		})(),
		...openAIStreamShape(abort),
	});
}

/** POST …/embeddings. */
export async function embeddings(ctx: ServerContext, c: Context): Promise<Response> {
	const body = OpenAIEmbeddingRequest.parse(await readJson(c));
	const inputs = typeof body.input === "string" ? [body.input] : body.input;
	const { model, vectors, tokens } = await embed(ctx.scheduler, body.model, inputs);
	const list: OpenAIEmbeddingList = {
		object: "list",
		data: vectors.map((v, index) => ({
			object: "embedding",
			index,
			embedding: body.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v,
		})),
		model: model.id,
		usage: { prompt_tokens: tokens, total_tokens: tokens },
	};
	return c.json(list);
}

function openAIStreamShape(abort: AbortController) {
	return {
		contentType: "text/event-stream",
		errorFrame: (error: HttpError) => sseData(openAIErrorBody(error)),
		errorResponse: openAIErrorResponse,
		onDisconnect: () => abort.abort(),
	};
}

/**
 * A piece of the answer as a streamed delta; undefined for one that adds nothing. A call's first
 * piece (`begun` holds the calls that had theirs) carries what identifies it, the rest only arguments.
 */
function toDelta(piece: GenerationChunk, begun: Set<number>): ChatDelta | undefined {
	if (piece.type === "text") return { content: piece.text };
	if (piece.type === "reasoning") return { reasoning_content: piece.text };
	const { index, argumentsDelta } = piece;
	if (begun.has(index)) return argumentsDelta ? { tool_calls: [{ index, function: { arguments: argumentsDelta } }] } : undefined;
	begun.add(index);
	return { tool_calls: [{ index, id: piece.id, type: "function", function: { name: piece.name, arguments: argumentsDelta } }] };
}

function toOpenAIToolCall(call: ToolCall) {
	return { id: call.id, type: "function" as const, function: { name: call.name, arguments: call.arguments } };
}

function usage(result: GenerationResult): Usage {
	const { promptTokens, generatedTokens, cachedPromptTokens, draftTokens, acceptedDraftTokens } = result.stats;
	return {
		prompt_tokens: promptTokens,
		completion_tokens: generatedTokens,
		total_tokens: promptTokens + generatedTokens,
		prompt_tokens_details: { cached_tokens: cachedPromptTokens, audio_tokens: 0 },
		...(draftTokens === undefined
			? {}
			: {
					completion_tokens_details: {
						accepted_prediction_tokens: acceptedDraftTokens ?? 0,
						rejected_prediction_tokens: draftTokens - (acceptedDraftTokens ?? 0),
					},
				}),
	};
}
