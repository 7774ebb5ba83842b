import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../src/engine/Engine.js";
import { PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { sseEvents } from "../fixtures/wire/wireShape.js";

// The OpenAI dialect's forced tool calls, streamed tool calls and reasoning, on the fake engine
// (which keeps the real engine's contract for them: test/fixtures/FakeEngine.test.ts). The real
// engine's grammar and thinking model are in test/e2e/openaiServer.
let server: FakeServer;
let openai: OpenAI;
const ASK = [{ role: "user" as const, content: "what time is it in Taipei?" }];
const TOOLS = [
	{
		type: "function" as const,
		function: {
			name: "get_time",
			description: "The current time in a city",
			parameters: {
				type: "object",
				properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] }, days: { type: "integer" } },
				required: ["city", "days"],
			},
		},
	},
	{
		type: "function" as const,
		function: { name: "set_alarm", parameters: { type: "object", properties: { hour: { type: "integer" } } } },
	},
];

beforeAll(async () => {
	server = await startFakeServer();
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

const lastRequest = () => server.engine.requests.at(-1)?.request as ChatRequest;
/** An answer's or an error's JSON, as far as these tests read it. */
interface Answer {
	error: { type: string; param: string | null };
	choices: { message: Record<string, unknown> }[];
}
const json = async (response: Response) => (await response.json()) as Answer;
const post = (body: unknown) =>
	fetch(`${server.url}/v1/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});

describe("tool_choice", () => {
	it('"required" makes a model that answers in words call one of the tools', async () => {
		const completion = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: ASK,
			tools: TOOLS,
			tool_choice: "required",
		});
		expect(lastRequest().toolChoice).toBe("required");
		const choice = completion.choices[0];
		expect(choice.finish_reason).toBe("tool_calls");
		expect(choice.message.content).toBeNull();
		const call = choice.message.tool_calls?.[0];
		expect(call?.type === "function" && TOOLS.some((t) => t.function.name === call.function.name)).toBe(true);
	});

	it("a named function makes the model call that one", async () => {
		const completion = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: ASK,
			tools: TOOLS,
			tool_choice: { type: "function", function: { name: "set_alarm" } },
		});
		expect(lastRequest().toolChoice).toEqual({ name: "set_alarm" });
		expect(lastRequest().tools?.map((t) => t.name)).toEqual(["get_time", "set_alarm"]);
		const call = completion.choices[0].message.tool_calls?.[0];
		expect(call?.type === "function" && call.function).toEqual({ name: "set_alarm", arguments: '{"hour":1}' });
	});

	it("is refused with a 400 naming tool_choice when it forces a call of no tool, or of one not offered", async () => {
		for (const body of [
			{ model: PHI3_KEY, messages: ASK, tool_choice: "required" },
			{ model: PHI3_KEY, messages: ASK, tools: TOOLS, tool_choice: { type: "function", function: { name: "nope" } } },
			{ model: PHI3_KEY, messages: ASK, tools: TOOLS, tool_choice: "always" },
		]) {
			const response = await post(body);
			expect(response.status).toBe(400);
			expect((await json(response)).error).toMatchObject({ type: "invalid_request_error" });
		}
		expect((await json(await post({ model: PHI3_KEY, messages: ASK, tool_choice: "required" }))).error.param).toBe("tool_choice");
	});
});

describe("streamed tool calls", () => {
	it("come as OpenAI sends them: index, id, type, name and empty arguments first, then argument deltas", async () => {
		const response = await post({ model: TOOLS_KEY, messages: ASK, tools: TOOLS, stream: true });
		const events = sseEvents(await response.text());
		expect(events.at(-1)).toBe("[DONE]");
		const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as OpenAI.ChatCompletionChunk);
		const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
		expect(deltas[0]).toEqual({
			index: 0,
			id: expect.stringMatching(/^call_/),
			type: "function",
			function: { name: "get_time", arguments: "" },
		});
		expect(deltas.length).toBeGreaterThan(2);
		for (const later of deltas.slice(1)) expect(Object.keys(later).sort()).toEqual(["function", "index"]);
		expect(JSON.parse(deltas.map((d) => d.function?.arguments).join(""))).toEqual({ city: "Taipei", days: 1 });
		expect(chunks.at(-1)?.choices[0].finish_reason).toBe("tool_calls");
		// Each delta is a chunk of its own, before the finish chunk, as the engine wrote it.
		expect(chunks.filter((c) => c.choices[0]?.delta.tool_calls)).toHaveLength(deltas.length);
	});

	it("add up in the official client's stream helper to the call the model made", async () => {
		const stream = openai.chat.completions.stream({ model: TOOLS_KEY, messages: ASK, tools: TOOLS, tool_choice: "required" });
		const final = await stream.finalChatCompletion();
		const call = final.choices[0].message.tool_calls?.[0];
		expect(final.choices[0].finish_reason).toBe("tool_calls");
		expect(call?.id).toMatch(/^call_/);
		const made = server.engine.finished.at(-1)?.result?.toolCalls?.[0];
		expect(call?.id).toBe(made?.id);
		expect(call?.type === "function" && call.function).toEqual({ name: made?.name, arguments: made?.arguments });
	});
});

describe("reasoning", () => {
	it("is the message's reasoning_content, never its content, streamed and whole alike", async () => {
		await server.engine.with({ thinker: /Phi-3/ }, async () => {
			const ask = { model: PHI3_KEY, messages: ASK, max_tokens: 10, seed: 5 };
			const whole = await openai.chat.completions.create(ask);
			const message = whole.choices[0].message as (typeof whole.choices)[0]["message"] & { reasoning_content?: string };
			const { result } = server.engine.finished.at(-1) ?? {};
			expect(message.reasoning_content).toBe(result?.reasoning);
			expect(message.reasoning_content?.length).toBeGreaterThan(0);
			expect(message.content).toBe(result?.text);
			const stream = await openai.chat.completions.create({ ...ask, stream: true });
			let reasoning = "";
			let content = "";
			for await (const chunk of stream) {
				const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
				expect(delta?.content && delta.reasoning_content).toBeFalsy();
				if (content) expect(delta?.reasoning_content).toBeUndefined();
				reasoning += delta?.reasoning_content ?? "";
				content += delta?.content ?? "";
			}
			expect(reasoning).toBe(message.reasoning_content);
			expect(content).toBe(message.content);
		});
	});

	it("is absent from the answers of models that do not think", async () => {
		const response = await post({ model: PHI3_KEY, messages: ASK, max_tokens: 3 });
		expect(Object.keys((await json(response)).choices[0].message)).toEqual(["role", "content"]);
	});
});
