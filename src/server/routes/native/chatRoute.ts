import { Hono } from "hono";
import { NativeChatRequest } from "../../../api/native/NativeChat.js";
import { AttachmentStore } from "../../../chats/AttachmentStore.js";
import { readSetting } from "../../../config/settings.js";
import { groundDocuments } from "../../../studio/groundDocuments.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { chatEvents } from "./chatEvents.js";
import { QueuePlaces } from "./QueuePlaces.js";
import { readNativeAttachments } from "./readNativeAttachments.js";
import { sendEvents } from "./sendEvents.js";

/**
 * POST /hearth/chat: the UI's chat, as events — start (model, context, load time), a thinking
 * model's reasoning and the answer's fragments as they are generated, done with stats.
 */
export function chatRoute(ctx: ServerContext): Hono {
	const app = new Hono();
	app.post("/hearth/chat", async (c) => {
		const request = NativeChatRequest.parse(await readJson(c));
		const { model: identifier, messages, ttlSeconds, embeddingModel, ...sampling } = request;
		const abort = abortOnDisconnect(c.req.raw.signal);
		const places = new QueuePlaces();
		const read = await readNativeAttachments(
			messages,
			readSetting("maxAttachmentMb", ctx.env) * 2 ** 20,
			new AttachmentStore(ctx.store.home),
		);
		const grounded = await groundDocuments(ctx.scheduler, identifier, read, {
			embeddingModel: embeddingModel ?? readSetting("embeddingModel", ctx.env),
			answerTokens: sampling.maxTokens,
			home: ctx.store.home,
			signal: abort.signal,
		});
		const scheduled = await ctx.scheduler.chat(
			identifier,
			{ ...sampling, messages: grounded.messages },
			{ signal: abort.signal, ttlSeconds, onQueued: (position) => places.tell(position) },
		);
		return sendEvents(c, chatEvents(ctx.scheduler.engine, scheduled, places, grounded.sources), abort);
	});
	return app;
}
