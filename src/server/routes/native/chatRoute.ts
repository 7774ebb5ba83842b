import { Hono } from "hono";
import { NativeChatRequest } from "../../../api/native/NativeChat.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { sendEvents } from "./sendEvents.js";

/** POST /hearth/chat: the UI's chat, as events — start (model, context, load time), fragments, done with stats. */
export function chatRoute(ctx: ServerContext): Hono {
	const app = new Hono();
	app.post("/hearth/chat", async (c) => {
		const { model: identifier, messages, ttlSeconds, ...sampling } = NativeChatRequest.parse(await readJson(c));
		const abort = abortOnDisconnect(c.req.raw.signal);
		const { model, generation, loadMs } = await ctx.scheduler.chat(
			identifier,
			{ ...sampling, messages },
			{ signal: abort.signal, ttlSeconds },
		);
		return sendEvents(
			c,
			(async function* () {
				// The first fragment (or the failure) comes before the first event, so an early error is a real status.
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
