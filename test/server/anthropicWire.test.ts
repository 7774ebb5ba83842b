import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnthropicError } from "../../src/api/anthropic/AnthropicError.js";
import { AnthropicMessage } from "../../src/api/anthropic/AnthropicMessage.js";
import { AnthropicStreamEvent } from "../../src/api/anthropic/AnthropicStreamEvent.js";
import { PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { anthropicSseEvents } from "../fixtures/wire/anthropic-sseEvents.js";
import { allowing, type Leeway, readWire, shapeOf, streamShape } from "../fixtures/wire/wireShape.js";

// Hearth's Anthropic answers on the fake engine, replayed against what Anthropic's API sends: the
// order of events, their keys, key order and value types (not the words).
let server: FakeServer;
const QUESTION = [{ role: "user", content: "where is taiwan" }];
const TOOLS = [
	{
		name: "get_time",
		description: "The current time in a city",
		input_schema: { type: "object", properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] } }, required: ["city"] },
	},
];

beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${server.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
		body: JSON.stringify(body),
	});

// Anthropic's usage also breaks cache writes down by lifetime (`cache_creation`) and names the
// service tier; Hearth writes no cache and has no tiers, so it sends neither. Everything else must agree.
const MESSAGE_LEEWAY: Leeway = { absent: ["usage.cache_creation", "usage.service_tier"] };
const EVENT_LEEWAY: Leeway = { absent: ["message.usage.cache_creation", "message.usage.service_tier"] };

/** A stream's events as compared shapes, each checked against the contract and named by its `event:` line. */
function eventShapes(body: string): string[][] {
	const events = anthropicSseEvents(body).map((e) => e.data);
	return streamShape(events.map((e) => allowing(e, EVENT_LEEWAY)));
}

describe("Anthropic", () => {
	it("streams a text answer as Anthropic does: message_start, a block with a ping, its deltas, message_delta, message_stop", async () => {
		const response = await post("/v1/messages", { model: PHI3_KEY, max_tokens: 4, messages: QUESTION, stream: true });
		expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
		const body = await response.text();
		expect(eventShapes(body)).toEqual(eventShapes(readWire("anthropic-messages-stream.sse.txt")));
		const events = anthropicSseEvents(body);
		for (const { data } of events) AnthropicStreamEvent.parse(data);
		expect(events.filter((e) => e.event === "content_block_delta")).toHaveLength(4); // one a token
		expect(events.filter((e) => e.event === "ping")).toHaveLength(1);
		expect(events.at(-2)?.data).toMatchObject({ delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 4 } });
	});

	it("streams a tool call as Anthropic does: a tool_use block of input_json_delta pieces", async () => {
		const response = await post("/v1/messages", {
			model: TOOLS_KEY,
			max_tokens: 60,
			messages: QUESTION,
			tools: TOOLS,
			stream: true,
		});
		const body = await response.text();
		expect(eventShapes(body)).toEqual(eventShapes(readWire("anthropic-messages-tool-stream.sse.txt")));
	});

	it("answers without streaming in the message object's shape", async () => {
		const response = await post("/v1/messages", { model: PHI3_KEY, max_tokens: 4, messages: QUESTION });
		expect(response.headers.get("content-type")).toMatch(/^application\/json/);
		const ours = await response.json();
		AnthropicMessage.strict().parse(ours);
		expect(shapeOf(allowing(ours, MESSAGE_LEEWAY))).toEqual(
			shapeOf(allowing(JSON.parse(readWire("anthropic-message.json")), MESSAGE_LEEWAY)),
		);
	});

	it("counts tokens and reports errors in Anthropic's shapes", async () => {
		const counted = await post("/v1/messages/count_tokens", { model: PHI3_KEY, messages: QUESTION });
		expect(shapeOf(await counted.json())).toEqual(shapeOf(JSON.parse(readWire("anthropic-count-tokens.json"))));
		const failed = await post("/v1/messages", { model: "claude-nonexistent", max_tokens: 4, messages: QUESTION });
		expect(failed.status).toBe(404);
		const recorded = JSON.parse(readWire("anthropic-error.json"));
		AnthropicError.strict().parse(recorded);
		const ours = AnthropicError.strict().parse(await failed.json());
		expect(shapeOf(ours)).toEqual(shapeOf(recorded));
		expect(ours.error.type).toBe(recorded.error.type);
	});
});
