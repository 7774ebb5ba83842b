/** Splits an SSE body into its `data:` payloads, checking each event is one `data:` line and a blank line. */
export function sseEvents(body: string): string[] {
	if (!body.endsWith("\n\n")) throw new Error("SSE body does not end with a blank line");
	return body
		.slice(0, -2)
		.split("\n\n")
		.map((event) => {
			if (!event.startsWith("data: ") || event.includes("\n")) throw new Error(`malformed SSE event: ${JSON.stringify(event)}`);
			return event.slice("data: ".length);
		});
}

/** The shape of a JSON value: object keys in order, array lengths, value types; what fixtures compare. */
export function shapeOf(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(shapeOf);
	if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
	return value === null ? null : typeof value;
}
