import type { Context } from "hono";
import { openAIErrorResponse, sseData } from "../../openai/openAIFrames.js";
import { streamFrames } from "../../streamFrames.js";

/** The native API's event streams: one JSON object per SSE event, an `error` event after the first byte. */
export function sendEvents(c: Context, events: AsyncIterable<unknown>, abort: AbortController): Promise<Response> {
	return streamFrames(c, {
		frames: (async function* () {
			for await (const event of events) yield sseData(event);
		})(),
		contentType: "text/event-stream",
		errorFrame: (error) => sseData({ type: "error", error: { message: error.message, code: error.code } }),
		errorResponse: openAIErrorResponse,
		onDisconnect: () => abort.abort(),
	});
}
