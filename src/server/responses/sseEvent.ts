import type { ResponsesStreamEvent } from "../../api/openai/ResponsesEvents.js";

/** One event of a Responses stream as OpenAI frames it: its type as the SSE event name, then its JSON. */
export function sseEvent(event: ResponsesStreamEvent): string {
	return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
