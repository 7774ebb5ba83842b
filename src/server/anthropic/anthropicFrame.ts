import type { AnthropicStreamEvent } from "../../api/anthropic/AnthropicStreamEvent.js";

/** One server-sent event as Anthropic frames them: an `event:` line naming its type, then its JSON. */
export function anthropicFrame(event: AnthropicStreamEvent): string {
	return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
