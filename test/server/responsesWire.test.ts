import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { allowing, type Leeway, readWire, shapeOf, streamShape } from "../fixtures/wire/wireShape.js";

// Hearth's Responses API on the fake engine, replayed against what OpenAI sends (the recordings
// in test/fixtures/wire/responses-*): the order of events, their keys, key order and value types.
let server: FakeServer;

beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

const post = (body: unknown) =>
	fetch(`${server.url}/v1/responses`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});

/**
 * Fields of OpenAI's response object for what Hearth does not have (background runs, a tool-call
 * cap, prompt-cache keys, reasoning effort, safety ids, service tiers, logprobs, users, verbosity)
 * and the deltas' `obfuscation` padding: left out of the comparison, and the rest must agree.
 */
const NOT_HEARTH = ["background", "max_tool_calls", "prompt_cache_key", "reasoning", "safety_identifier", "service_tier"];
const RESPONSE_LEEWAY: Leeway = { absent: [...NOT_HEARTH, "top_logprobs", "user", "text.verbosity"] };
const EVENT_LEEWAY: Leeway = { absent: [...(RESPONSE_LEEWAY.absent ?? []).map((path) => `response.${path}`), "obfuscation"] };

/**
 * A Responses stream's events: each frame an `event:` line naming the JSON's `type`, a `data:`
 * line, a blank line; no `[DONE]` at the end, as OpenAI sends none.
 */
function responsesEvents(body: string): Record<string, unknown>[] {
	if (!body.endsWith("\n\n")) throw new Error("SSE body does not end with a blank line");
	return body
		.slice(0, -2)
		.split("\n\n")
		.map((frame) => {
			const match = /^event: ([\w.]+)\ndata: (\{.*\})$/.exec(frame);
			if (!match) throw new Error(`malformed Responses SSE frame: ${JSON.stringify(frame)}`);
			const event = JSON.parse(match[2]) as Record<string, unknown>;
			if (event.type !== match[1]) throw new Error(`event ${match[1]} carries type ${String(event.type)}`);
			return event;
		});
}

const compared = (events: Record<string, unknown>[]) => streamShape(events.map((e) => allowing(e, EVENT_LEEWAY)));

describe("OpenAI's Responses API", () => {
	it("streams an answer as OpenAI does: created, in_progress, the message's events, completed", async () => {
		const response = await post({ model: PHI3_KEY, input: "where is taiwan", stream: true });
		expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
		const ours = responsesEvents(await response.text());
		const recorded = responsesEvents(readWire("responses-stream.sse.txt"));
		expect(compared(ours)).toEqual(compared(recorded));
		expect(ours.map((e) => e.sequence_number)).toEqual(ours.map((_, i) => i));
		expect(ours.filter((e) => e.type === "response.output_text.delta")).toHaveLength(24); // every token is there
	});

	it("streams a function call as OpenAI does: the item, its arguments, the item done, completed", async () => {
		const recorded = responsesEvents(readWire("responses-function-call-stream.sse.txt"));
		const tools = (recorded[0].response as { tools: unknown[] }).tools;
		const response = await post({ model: TOOLS_KEY, input: "what time is it in Taipei?", tools, stream: true });
		expect(compared(responsesEvents(await response.text()))).toEqual(compared(recorded));
	});

	it("answers without streaming in the response object's shape, which GET returns as is", async () => {
		const response = await post({ model: PHI3_KEY, input: "where is taiwan" });
		expect(response.headers.get("content-type")).toMatch(/^application\/json/);
		const ours = (await response.json()) as { id: string };
		const recorded = JSON.parse(readWire("responses-object.json"));
		expect(shapeOf(allowing(ours, RESPONSE_LEEWAY))).toEqual(shapeOf(allowing(recorded, RESPONSE_LEEWAY)));
		const stored = await fetch(`${server.url}/v1/responses/${ours.id}`);
		expect(await stored.text()).toBe(JSON.stringify(ours));
	});
});
