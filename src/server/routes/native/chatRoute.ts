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
		const places = new Places();
		const { model, generation, loadMs } = await ctx.scheduler.chat(
			identifier,
			{ ...sampling, messages },
			{ signal: abort.signal, ttlSeconds, onQueued: (position) => places.tell(position) },
		);
		return sendEvents(
			c,
			(async function* (): AsyncGenerator<NativeChatEvent> {
				// The first piece (or the failure) comes before the first event, so an early error is a real
				// status — unless the request waits for a sequence: then the client is told its place meanwhile.
				const chunks = generation.chunks();
				const first = chunks.next();
				let next: Awaited<typeof first> | undefined;
				while (next === undefined) {
					const raced = await Promise.race([first.then((r) => ({ r })), places.next().then((position) => ({ position }))]);
					if ("r" in raced) next = raced.r;
					else yield { type: "queued", position: raced.position };
				}
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

/** Queue places as the scheduler tells them, for the stream to pass on one by one. */
class Places {
	private readonly told: number[] = [];
	private waiter: ((position: number) => void) | undefined;

	tell(position: number): void {
		const waiter = this.waiter;
		this.waiter = undefined;
		if (waiter) waiter(position);
		else this.told.push(position);
	}

	next(): Promise<number> {
		const position = this.told.shift();
		if (position !== undefined) return Promise.resolve(position);
		return new Promise((resolve) => {
			this.waiter = resolve;
		});
	}
}
