import { Hono } from "hono";
import { type GenerationStats, type NativeChatEvent, NativeChatRequest } from "../../../api/native/NativeChat.js";
import type { Engine, GenerationResult } from "../../../engine/Engine.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
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
		const { model, generation, loadMs } = await ctx.scheduler.chat(
			identifier,
			{ ...sampling, messages },
			{ signal: abort.signal, ttlSeconds },
		);
		return sendEvents(
			c,
			(async function* (): AsyncGenerator<NativeChatEvent> {
				// The first piece (or the failure) comes before the first event, so an early error is a real status.
				const chunks = generation.chunks();
				let next = await chunks.next();
				yield { type: "start", model: model.id, contextLength: model.contextLength, loadMs };
				for (; !next.done; next = await chunks.next()) {
					const chunk = next.value;
					if (chunk.type === "text") yield { type: "fragment", text: chunk.text };
					else if (chunk.type === "reasoning") yield { type: "reasoning", text: chunk.text };
					// Tool call pieces cannot come: a native chat offers the model no tools.
				}
				const result = await generation;
				const stats = await withReasoningTokens(ctx.scheduler.engine, model.id, result);
				yield { type: "done", text: result.text, ...(result.reasoning ? { reasoning: result.reasoning } : {}), stats };
			})(),
			abort,
		);
	});
	return app;
}

/**
 * The result's stats with the length of its reasoning in the model's tokens, for the UI's "Thought
 * for N tokens". The engine counts only all generated tokens together, so the reasoning's text is
 * tokenized again. Without the count when there is no reasoning, or when the model can no longer
 * count (a TTL of 0 unloads it as soon as the answer ends): the answer itself is complete.
 */
async function withReasoningTokens(engine: Engine, modelId: string, result: GenerationResult): Promise<GenerationStats> {
	if (!result.reasoning) return result.stats;
	try {
		return { ...result.stats, reasoningTokens: await engine.countTokens(modelId, result.reasoning) };
	} catch {
		return result.stats;
	}
}
