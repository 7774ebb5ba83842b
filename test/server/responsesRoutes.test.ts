import OpenAI from "openai";
import type {
	ResponseCreateParamsBase,
	ResponseCreateParamsNonStreaming,
	ResponseStreamEvent,
} from "openai/resources/responses/responses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../src/engine/Engine.js";
import { PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The Responses API on the fake engine, through the official openai client: translation both
// ways, previous_response_id, streaming. Stored responses are in responsesStored, errors and the
// wire bytes in responsesErrors and responsesWire; what needs a real model (grammars, cached
// tokens, forced and streamed calls, reasoning) in test/e2e/responsesApi.
let server: FakeServer;
let openai: OpenAI;
/** The fake tokenizer's count for "where is taiwan" as one user turn: <s>, <|user|>, three words, <|end|>, <|assistant|>. */
const QUESTION_TOKENS = 7;
const TOOLS = [
	{
		type: "function" as const,
		name: "get_time",
		description: "The current time in a city",
		parameters: { type: "object", properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] } }, required: ["city"] },
		strict: true,
	},
];

beforeAll(async () => {
	server = await startFakeServer();
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

const lastRequest = () => server.engine.requests.at(-1)?.request as ChatRequest;

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
	const events: ResponseStreamEvent[] = [];
	for await (const event of stream) events.push(event);
	return events;
}

describe("responses.create through the official openai client", () => {
	it("answers a string input with a completed response: one message, usage, the settings repeated", async () => {
		// seed is Hearth's (llama.cpp's), not in OpenAI's Responses API.
		const ask: ResponseCreateParamsNonStreaming & { seed: number } = {
			model: "phi-3-mini-4k-instruct-q4",
			input: "where is taiwan",
			seed: 3,
		};
		const response = await openai.responses.create(ask);
		expect(response).toMatchObject({
			object: "response",
			status: "completed",
			model: PHI3_KEY,
			incomplete_details: null,
			error: null,
			instructions: null,
			previous_response_id: null,
			store: true,
			temperature: 0.8,
			top_p: 0.95,
			tool_choice: "auto",
			tools: [],
			text: { format: { type: "text" } },
			parallel_tool_calls: true,
			metadata: {},
		});
		expect(response.id).toMatch(/^resp_/);
		expect(response.output).toHaveLength(1);
		const message = response.output[0];
		expect(message).toMatchObject({ type: "message", role: "assistant", status: "completed" });
		expect(message.id).toMatch(/^msg_/);
		// The SDK's output_text is the message's text.
		expect(response.output_text.length).toBeGreaterThan(0);
		expect(message.type === "message" && message.content[0]).toEqual({
			type: "output_text",
			annotations: [],
			logprobs: [],
			text: response.output_text,
		});
		expect(response.usage).toEqual({
			input_tokens: QUESTION_TOKENS,
			input_tokens_details: { cached_tokens: 0 },
			output_tokens: 24,
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: QUESTION_TOKENS + 24,
		});
		expect(lastRequest()).toMatchObject({ messages: [{ role: "user", content: "where is taiwan" }], seed: 3 });
	});

	it("puts instructions first, as a system message, before the input items", async () => {
		await openai.responses.create({
			model: PHI3_KEY,
			instructions: "Be brief.",
			input: [
				{ role: "developer", content: "Answer in English." },
				{ role: "user", content: [{ type: "input_text", text: "where is taiwan" }] },
				// An earlier output item given back, as the SDK types it.
				{
					type: "message",
					id: "msg_earlier",
					status: "completed",
					role: "assistant",
					content: [{ type: "output_text", text: "In East Asia.", annotations: [] }],
				},
				{ role: "user", content: "and its capital?" },
			],
			temperature: 0.5,
			top_p: 0.9,
			max_output_tokens: 4,
		});
		expect(lastRequest()).toMatchObject({
			messages: [
				{ role: "system", content: "Be brief." },
				{ role: "system", content: "Answer in English." },
				{ role: "user", content: "where is taiwan" },
				{ role: "assistant", content: "In East Asia." },
				{ role: "user", content: "and its capital?" },
			],
			temperature: 0.5,
			topP: 0.9,
			maxTokens: 4,
		});
	});

	it("stops at max_output_tokens as an incomplete response, naming the reason", async () => {
		const response = await openai.responses.create({ model: PHI3_KEY, input: "where is taiwan", max_output_tokens: 3 });
		expect(response.status).toBe("incomplete");
		expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
		expect(response.max_output_tokens).toBe(3);
		expect(response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
		expect(response.usage?.output_tokens).toBe(3);
		expect(response.output_text.split(" ")).toHaveLength(3);
	});

	it("hands a json_schema text.format to the engine as a grammar, and repeats it", async () => {
		const schema = { type: "object", properties: { answer: { enum: ["yes", "no"] } }, required: ["answer"] };
		const response = await openai.responses.create({
			model: PHI3_KEY,
			input: "is taiwan an island?",
			text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
		});
		expect(lastRequest().format).toEqual({ type: "json_schema", schema });
		expect(response.text).toEqual({ format: { type: "json_schema", description: null, name: "answer", schema, strict: true } });
		await openai.responses.create({ model: PHI3_KEY, input: "x", text: { format: { type: "json_object" } } });
		expect(lastRequest().format).toEqual({ type: "json" });
	});

	it("returns the tool caller's call as a function_call item, and takes its output back through previous_response_id", async () => {
		const first = await openai.responses.create({ model: TOOLS_KEY, input: "what time is it in Taipei?", tools: TOOLS });
		expect(first.status).toBe("completed");
		expect(first.output).toHaveLength(1);
		const call = first.output[0];
		if (call.type !== "function_call") throw new Error(`expected a function_call, got ${call.type}`);
		expect(call).toMatchObject({ type: "function_call", status: "completed", name: "get_time" });
		expect(call.id).toMatch(/^fc_/);
		expect(call.call_id).toMatch(/^call_/);
		expect(JSON.parse(call.arguments)).toEqual({ city: "Taipei" });
		expect(first.output_text).toBe("");
		expect(first.tools).toEqual([{ ...TOOLS[0], type: "function" }]);
		expect(lastRequest().tools).toEqual([
			{ name: "get_time", description: TOOLS[0].description, parameters: TOOLS[0].parameters },
		]);

		const second = await openai.responses.create({
			model: TOOLS_KEY,
			previous_response_id: first.id,
			input: [{ type: "function_call_output", call_id: call.call_id, output: "14:05" }],
			tools: TOOLS,
		});
		expect(second.previous_response_id).toBe(first.id);
		expect(second.output[0]).toMatchObject({ type: "message", status: "completed" });
		expect(second.output_text.length).toBeGreaterThan(0);
		expect(lastRequest().messages).toEqual([
			{ role: "user", content: "what time is it in Taipei?" },
			{ role: "assistant", content: "", toolCalls: [{ id: call.call_id, name: "get_time", arguments: call.arguments }] },
			{ role: "tool", content: "14:05", toolCallId: call.call_id },
		]);
		expect(second.usage?.input_tokens).toBeGreaterThan(first.usage?.input_tokens ?? 0);
	});

	it("hands tool_choice to the engine: none offers no tools, required and a named tool force a call", async () => {
		await openai.responses.create({ model: TOOLS_KEY, input: "hi", tools: TOOLS, tool_choice: "none" });
		expect(lastRequest().tools).toBeUndefined();
		// What the engine does with a forced call is its own (and the engine work's) to test.
		for (const [choice, toolChoice] of [
			["required", "required"],
			[{ type: "function", name: "get_time" }, { name: "get_time" }],
		] as const) {
			const response = await openai.responses.create({ model: TOOLS_KEY, input: "hi", tools: TOOLS, tool_choice: choice });
			expect(lastRequest().toolChoice).toEqual(toolChoice);
			expect(response.tool_choice).toEqual(choice);
		}
	});

	it("continues a stored conversation: its input and output come first, its instructions do not", async () => {
		const first = await openai.responses.create({
			model: PHI3_KEY,
			instructions: "Be brief.",
			input: "where is taiwan",
			max_output_tokens: 4,
			metadata: { topic: "geography" },
		});
		const second = await openai.responses.create({
			model: PHI3_KEY,
			previous_response_id: first.id,
			input: "and its capital?",
			max_output_tokens: 4,
		});
		expect(lastRequest().messages).toEqual([
			{ role: "user", content: "where is taiwan" },
			{ role: "assistant", content: first.output_text },
			{ role: "user", content: "and its capital?" },
		]);
		// A third turn carries both before it, whole.
		await openai.responses.create({ model: PHI3_KEY, previous_response_id: second.id, input: "thanks", max_output_tokens: 2 });
		expect(lastRequest().messages.map((m) => m.content)).toEqual([
			"where is taiwan",
			first.output_text,
			"and its capital?",
			second.output_text,
			"thanks",
		]);
		expect(first.metadata).toEqual({ topic: "geography" });
		expect(second.metadata).toEqual({});
	});
});

describe("streamed responses", () => {
	it("streams events in OpenAI's order with increasing sequence numbers, ending with the response it stores", async () => {
		const events = await collect(
			await openai.responses.create({ model: PHI3_KEY, input: "where is taiwan", max_output_tokens: 4, stream: true }),
		);
		expect(events.map((e) => e.type)).toEqual([
			"response.created",
			"response.in_progress",
			"response.output_item.added",
			"response.content_part.added",
			...Array(4).fill("response.output_text.delta"),
			"response.output_text.done",
			"response.content_part.done",
			"response.output_item.done",
			"response.incomplete",
		]);
		expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
		const created = events[0];
		const last = events.at(-1);
		if (created.type !== "response.created" || last?.type !== "response.incomplete") throw new Error("no lifecycle events");
		expect(created.response).toMatchObject({ status: "in_progress", output: [], usage: null });
		expect(last.response.id).toBe(created.response.id);
		const text = events.map((e) => (e.type === "response.output_text.delta" ? e.delta : "")).join("");
		expect(events.find((e) => e.type === "response.output_text.done")).toMatchObject({ text });
		const stored = await openai.responses.retrieve(last.response.id);
		expect(stored).toEqual({ ...last.response, output_text: text });
	});

	it("streams the same seeded answer it gives whole", async () => {
		// seed is Hearth's (llama.cpp's), not in OpenAI's Responses API.
		const ask: Omit<ResponseCreateParamsBase, "stream"> & { seed: number } = {
			model: PHI3_KEY,
			input: "where is taiwan",
			max_output_tokens: 30,
			temperature: 0.9,
			seed: 42,
		};
		const whole = await openai.responses.create({ ...ask, stream: false });
		const final = await openai.responses.stream(ask).finalResponse();
		const message = final.output[0];
		expect(message.type === "message" && message.content[0].type === "output_text" && message.content[0].text).toBe(
			whole.output_text,
		);
		expect(final.usage).toEqual(whole.usage);
		const reseeded: typeof ask = { ...ask, seed: 43 };
		const other = await openai.responses.create({ ...reseeded, stream: false });
		expect(other.output_text).not.toBe(whole.output_text);
	});

	it("streams a function call: an item, its arguments, then the item done", async () => {
		const events = await collect(
			await openai.responses.create({ model: TOOLS_KEY, input: "what time is it in Taipei?", tools: TOOLS, stream: true }),
		);
		expect(events.map((e) => e.type)).toEqual([
			"response.created",
			"response.in_progress",
			"response.output_item.added",
			"response.function_call_arguments.delta",
			"response.function_call_arguments.done",
			"response.output_item.done",
			"response.completed",
		]);
		const added = events[2];
		const done = events[5];
		if (added.type !== "response.output_item.added" || done.type !== "response.output_item.done")
			throw new Error("no item events");
		expect(added.item).toMatchObject({ type: "function_call", status: "in_progress", arguments: "", name: "get_time" });
		expect(done.item).toMatchObject({ type: "function_call", status: "completed", arguments: '{"city":"Taipei"}' });
		expect(events[4]).toMatchObject({ name: "get_time", arguments: '{"city":"Taipei"}', item_id: added.item.id });
	});
});
