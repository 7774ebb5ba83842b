import type { Context } from "hono";
import type { HttpError } from "./HttpError.js";
import { toHttpError } from "./toHttpError.js";

export interface FrameStream {
	/** Frames already formatted for the wire (SSE events or NDJSON lines). */
	frames: AsyncIterable<string>;
	/** The dialect's error frame, for an error after the first byte. */
	errorFrame: (error: HttpError) => string;
	/** The dialect's error response, for an error before the first byte. */
	errorResponse: (error: HttpError) => Response;
	contentType: string;
	/** Called when the client goes away before the end, so generation stops. */
	onDisconnect: () => void;
}

/**
 * The one streaming writer: the first frame is produced before any byte is sent, so an error up to
 * then is a real HTTP status in the dialect's own shape; after it, an error becomes an in-band
 * error frame. A client that disconnects stops generation.
 */
export async function streamFrames(c: Context, stream: FrameStream): Promise<Response> {
	const iterator = stream.frames[Symbol.asyncIterator]();
	let first: IteratorResult<string>;
	try {
		first = await iterator.next();
	} catch (error) {
		return stream.errorResponse(toHttpError(error));
	}
	const encoder = new TextEncoder();
	let finished = false;
	c.req.raw.signal.addEventListener("abort", () => !finished && stream.onDisconnect(), { once: true });
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			if (!first.done) controller.enqueue(encoder.encode(first.value));
		},
		async pull(controller) {
			try {
				const next = first.done ? first : await iterator.next();
				if (next.done) {
					finished = true;
					controller.close();
					return;
				}
				controller.enqueue(encoder.encode(next.value));
			} catch (error) {
				finished = true;
				controller.enqueue(encoder.encode(stream.errorFrame(toHttpError(error))));
				controller.close();
			}
		},
		cancel() {
			if (!finished) stream.onDisconnect();
			finished = true;
			void iterator.return?.();
		},
	});
	return new Response(body, {
		status: 200,
		headers: {
			"Content-Type": stream.contentType,
			"Cache-Control": "no-cache",
			Connection: "keep-alive",
			"X-Accel-Buffering": "no",
		},
	});
}
