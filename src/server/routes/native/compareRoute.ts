import { Hono } from "hono";
import { type CompareEvent, CompareRequest } from "../../../api/native/NativeCompare.js";
import { AttachmentStore } from "../../../chats/AttachmentStore.js";
import { readSetting } from "../../../config/settings.js";
import { groundDocuments } from "../../../studio/groundDocuments.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { toHttpError } from "../../toHttpError.js";
import { chatEvents } from "./chatEvents.js";
import { QueuePlaces } from "./QueuePlaces.js";
import { readNativeAttachments } from "./readNativeAttachments.js";
import { sendEvents } from "./sendEvents.js";

/**
 * POST /hearth/compare: the same messages to each column at once, every event tagged with its
 * column. Columns on one model share its sequences (HEARTH_PARALLEL); columns on more models than
 * may be loaded together run in turns, models in the order the columns first name them. Every
 * model is resolved before the stream starts, so an unknown one is a 404, not an event.
 */
export function compareRoute(ctx: ServerContext): Hono {
	const app = new Hono();
	app.post("/hearth/compare", async (c) => {
		const request = CompareRequest.parse(await readJson(c));
		const { columns, ttlSeconds } = request;
		const keys = await Promise.all(columns.map(async (column) => (await ctx.store.resolve(column.model)).key));
		// Attachments are placed once for all columns, by the first column's model.
		const read = await readNativeAttachments(
			request.messages,
			readSetting("maxAttachmentMb", ctx.env) * 2 ** 20,
			new AttachmentStore(ctx.store.home),
		);
		const { messages, sources } = await groundDocuments(ctx.scheduler, keys[0] as string, read, {
			embeddingModel: readSetting("embeddingModel", ctx.env),
			home: ctx.store.home,
		});
		const models = [...new Set(keys)];
		const perTurn = Math.max(1, ctx.settings.maxModels);
		const turnOf = (column: number) => Math.floor(models.indexOf(keys[column] as string) / perTurn);
		const turns = Math.ceil(models.length / perTurn);
		const abort = abortOnDisconnect(c.req.raw.signal);

		async function* column(index: number): AsyncGenerator<CompareEvent> {
			const { model: _, label: __, ...sampling } = columns[index] as (typeof columns)[number];
			const places = new QueuePlaces();
			try {
				const scheduled = await ctx.scheduler.chat(
					keys[index] as string,
					{ ...sampling, messages },
					{ signal: abort.signal, ttlSeconds, onQueued: (position) => places.tell(position) },
				);
				for await (const event of chatEvents(ctx.scheduler.engine, scheduled, places, sources)) yield { column: index, ...event };
			} catch (error) {
				if (abort.signal.aborted) return;
				const http = toHttpError(error);
				yield { column: index, type: "error", error: { message: http.message, code: http.code } };
			}
		}

		async function* all(): AsyncGenerator<CompareEvent> {
			for (let turn = 0; turn < turns; turn++) {
				const members = columns.map((_, i) => i).filter((i) => turnOf(i) === turn);
				if (turn === 0)
					for (let i = 0; i < columns.length; i++) if (turnOf(i) > 0) yield { column: i, type: "queued", position: turnOf(i) };
				yield* merge(members.map(column));
			}
		}
		return sendEvents(c, all(), abort);
	});
	return app;
}

/** The events of several streams as they come, interleaved. */
async function* merge<T>(streams: AsyncGenerator<T>[]): AsyncGenerator<T> {
	const pending = new Map(streams.map((stream, i) => [i, stream.next().then((result) => ({ i, result }))]));
	while (pending.size > 0) {
		const { i, result } = await Promise.race(pending.values());
		if (result.done) pending.delete(i);
		else {
			pending.set(
				i,
				(streams[i] as AsyncGenerator<T>).next().then((next) => ({ i, result: next })),
			);
			yield result.value;
		}
	}
}
