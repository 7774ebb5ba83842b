import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { ResponsesRequest } from "../../api/openai/ResponsesRequest.js";
import { readSetting } from "../../config/settings.js";
import { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { HttpError } from "../HttpError.js";
import { openAIErrorResponse } from "../openai/openAIFrames.js";
import { readJson } from "../readJson.js";
import type { ServerContext } from "../ServerContext.js";
import { streamFrames } from "../streamFrames.js";
import { fromResponsesRequest } from "./fromResponsesRequest.js";
import { groundResponsesChat } from "./groundResponsesChat.js";
import { inlineResponsesFiles } from "./inlineResponsesFiles.js";
import { mcpResponse } from "./mcpResponse.js";
import { ResponseAssembler } from "./ResponseAssembler.js";
import { sseEvent } from "./sseEvent.js";
import { toResponsesHttpError } from "./toResponsesHttpError.js";

/**
 * POST /v1/responses: the request translated to a chat on the scheduler (after the conversation of
 * `previous_response_id`, when given), the generation's chunks assembled into OpenAI's response,
 * streamed or whole, and kept unless `store` is false — before the last event, so that a client
 * that continues it at once finds it.
 */
export async function createResponse(ctx: ServerContext, c: Context): Promise<Response> {
	const parsed = ResponsesRequest.parse(await readJson(c));
	const documents = new InlinedDocuments(readSetting("maxAttachmentMb", ctx.env) * 2 ** 20);
	const body = { ...parsed, input: await inlineResponsesFiles(parsed.input, documents) };
	const previous = body.previous_response_id ? ctx.responses.get(body.previous_response_id) : undefined;
	if (body.previous_response_id && !previous)
		throw new HttpError(
			404,
			`No stored response ${body.previous_response_id} to continue (responses made with store: false are not kept)`,
			"previous_response_not_found",
			"previous_response_id",
		);
	const soFar = previous && { conversation: previous.conversation, output: previous.response.output };
	if (body.tools?.some((t) => t.type === "mcp")) return mcpResponse(ctx, c, body, soFar, documents);
	const request = fromResponsesRequest(body, soFar);
	const abort = abortOnDisconnect(c.req.raw.signal);
	request.chat.messages = (await groundResponsesChat(ctx, request, documents, abort.signal)).messages;
	const { model, generation } = await ctx.scheduler.chat(request.model, request.chat, {
		signal: abort.signal,
		ttlSeconds: request.ttlSeconds,
	});
	const assembler = new ResponseAssembler({
		id: `resp_${randomBytes(24).toString("hex")}`,
		createdAt: Math.floor(Date.now() / 1000),
		model: model.id,
		echo: request.echo,
	});
	const keep = () => {
		if (request.echo.store) ctx.responses.save({ response: assembler.response, conversation: request.conversation });
	};
	if (!request.stream) {
		for await (const chunk of generation.chunks()) assembler.push(chunk);
		assembler.finish(await generation);
		keep();
		return c.json(assembler.response);
	}
	return streamFrames(c, {
		frames: (async function* () {
			// Wait for the model's first piece (or its failure) before the first event, so that a
			// request that fails early still gets a real status.
			const chunks = generation.chunks();
			let next = await chunks.next();
			for (const event of assembler.start()) yield sseEvent(event);
			for (; !next.done; next = await chunks.next()) for (const event of assembler.push(next.value)) yield sseEvent(event);
			const end = assembler.finish(await generation);
			keep();
			for (const event of end) yield sseEvent(event);
		})(),
		contentType: "text/event-stream",
		errorFrame: (error) => sseEvent(assembler.error(toResponsesHttpError(error))),
		errorResponse: (error) => openAIErrorResponse(toResponsesHttpError(error)),
		onDisconnect: () => abort.abort(),
	});
}
