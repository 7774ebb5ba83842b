import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import { AnthropicCountTokensRequest, type AnthropicTokenCount } from "../../api/anthropic/AnthropicCountTokensRequest.js";
import { AnthropicMessagesRequest } from "../../api/anthropic/AnthropicMessagesRequest.js";
import { readSetting } from "../../config/settings.js";
import { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import { groundInlined } from "../../studio/groundInlined.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { AnthropicStreamTranslator } from "../anthropic/AnthropicStreamTranslator.js";
import { anthropicErrorBody, anthropicErrorResponse } from "../anthropic/anthropicError.js";
import { anthropicFrame } from "../anthropic/anthropicFrame.js";
import { type AnthropicPrompt, fromAnthropicPrompt, fromAnthropicRequest } from "../anthropic/fromAnthropicRequest.js";
import { inlineAnthropicDocuments } from "../anthropic/inlineAnthropicDocuments.js";
import { toAnthropicMessage } from "../anthropic/toAnthropicMessage.js";
import { readJson } from "../readJson.js";
import type { ServerContext } from "../ServerContext.js";
import { streamFrames } from "../streamFrames.js";

/**
 * The Anthropic Messages dialect, as the official API and the `@anthropic-ai/sdk` client expect it:
 * translations around the scheduler, which every dialect shares. Errors are in Anthropic's shape
 * (createApp picks it by path), the key may come as `x-api-key` or a bearer token (the gate reads
 * both), and `anthropic-version` is accepted whatever it says.
 */
export function anthropicRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	app.post("/v1/messages", (c) => messages(ctx, c));
	app.post("/v1/messages/count_tokens", (c) => countTokens(ctx, c));
	return app;
}

/** POST /v1/messages, streamed or whole. */
async function messages(ctx: ServerContext, c: Context): Promise<Response> {
	const body = AnthropicMessagesRequest.parse(await readJson(c));
	const documents = new InlinedDocuments(readSetting("maxAttachmentMb", ctx.env) * 2 ** 20);
	const chat = fromAnthropicRequest({ ...body, messages: await inlineAnthropicDocuments(body.messages, documents) });
	const abort = abortOnDisconnect(c.req.raw.signal);
	chat.request.messages = (
		await groundInlined(ctx.scheduler, chat.model, chat.request.messages, documents, {
			embeddingModel: readSetting("embeddingModel", ctx.env),
			answerTokens: chat.request.maxTokens,
			home: ctx.store.home,
			signal: abort.signal,
		})
	).messages;
	const { model, generation } = await ctx.scheduler.chat(chat.model, chat.request, { signal: abort.signal });
	const head = { id: `msg_${randomUUID().replaceAll("-", "")}`, model: model.id };
	const options = { stopSequences: chat.request.stop ?? [], thinking: chat.thinking };
	if (!chat.stream) return c.json(toAnthropicMessage(await generation, head, options));
	// message_start carries the prompt's count, which the result has only at the end: count it now,
	// while the generation holds the model.
	const promptTokens = countPromptTokens(ctx, model.id, chat.request);
	promptTokens.catch(() => {});
	const events = new AnthropicStreamTranslator(head, options);
	return streamFrames(c, {
		frames: (async function* () {
			// Wait for the model's first piece (or its failure) before the first frame, so that a
			// request that fails early still gets a real status.
			const chunks = generation.chunks();
			let next = await chunks.next();
			yield anthropicFrame(events.start(await promptTokens));
			for (; !next.done; next = await chunks.next()) {
				const frames = events.push(next.value).map(anthropicFrame).join("");
				if (frames) yield frames;
			}
			yield events
				.finish(await generation)
				.map(anthropicFrame)
				.join("");
		})(),
		contentType: "text/event-stream",
		errorFrame: (error) => anthropicFrame(anthropicErrorBody(error)),
		errorResponse: anthropicErrorResponse,
		onDisconnect: () => abort.abort(),
	});
}

/** POST /v1/messages/count_tokens: the input_tokens the same request would report, the model loaded just in time. */
async function countTokens(ctx: ServerContext, c: Context): Promise<Response> {
	const body = AnthropicCountTokensRequest.parse(await readJson(c));
	const prompt = fromAnthropicPrompt(body);
	const count: AnthropicTokenCount = {
		input_tokens: await ctx.scheduler.use(body.model, {}, (model) => countPromptTokens(ctx, model.id, prompt)),
	};
	return c.json(count);
}

/**
 * The prompt's tokens as generation counts them: the chat rendered with the model's template (the
 * tools documented in it, as generation documents them), the beginning token included.
 */
async function countPromptTokens(ctx: ServerContext, modelId: string, prompt: AnthropicPrompt): Promise<number> {
	// With tool_choice "none" no tool is offered, so none is documented in the prompt.
	const tools = prompt.toolChoice === "none" ? undefined : prompt.tools;
	return (await ctx.scheduler.engine.renderChat(modelId, prompt.messages, tools)).tokens.length;
}
