import { Hono } from "hono";
import { NativeChatRequest } from "../../../api/native/NativeChat.js";
import { readSetting } from "../../../config/settings.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { chatEvents } from "./chatEvents.js";
import { inlineNativeAttachments } from "./inlineNativeAttachments.js";
import { QueuePlaces } from "./QueuePlaces.js";
import { sendEvents } from "./sendEvents.js";

/**
 * POST /hearth/chat: the UI's chat, as events — start (model, context, load time), a thinking
 * model's reasoning and the answer's fragments as they are generated, done with stats.
 */
export function chatRoute(ctx: ServerContext): Hono {
	const app = new Hono();
	app.post("/hearth/chat", async (c) => {
		const { model: identifier, messages, ttlSeconds, ...sampling } = NativeChatRequest.parse(await readJson(c));
		const abort = abortOnDisconnect(c.req.raw.signal);
		const places = new QueuePlaces();
		const prompt = await inlineNativeAttachments(messages, readSetting("maxAttachmentMb", ctx.env) * 2 ** 20);
		const scheduled = await ctx.scheduler.chat(
			identifier,
			{ ...sampling, messages: prompt },
			{ signal: abort.signal, ttlSeconds, onQueued: (position) => places.tell(position) },
		);
		return sendEvents(c, chatEvents(ctx.scheduler.engine, scheduled, places), abort);
	});
	return app;
}
