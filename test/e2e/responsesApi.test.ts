import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome, TOOLS_KEY } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// The Responses API on real generated GGUFs, for what only a real engine shows: the same greedy
// text as Chat Completions, a continued conversation reusing its cached prefix, grammar-forced
// JSON and real function calling. Dialect details are in test/server/responses*.
let server: RunningServer;
let openai: OpenAI;
const QUESTION = "where is taiwan";

/** A thinking model (every answer begins with a `<think>` block), placed beside serverHome's models. */
const THINKER_KEY = "local/thinker/thinker-F32.gguf";

beforeAll(async () => {
	const env = await serverHome();
	const thinker = join(env.HEARTH_HOME ?? "", "models", THINKER_KEY);
	mkdirSync(dirname(thinker), { recursive: true });
	copyFileSync(await testModel({ type: "F32", thinking: "thinks" }), thinker);
	server = await startServer({ port: 0, env, print: () => {} });
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

describe("the Responses API on a real model", () => {
	it("gives the same greedy answer as /v1/chat/completions, whole and streamed, with the same token counts", async () => {
		const chat = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: [{ role: "user", content: QUESTION }],
			max_tokens: 16,
			temperature: 0,
		});
		const ask = { model: PHI3_KEY, input: QUESTION, max_output_tokens: 16, temperature: 0 };
		const response = await openai.responses.create(ask);
		expect(response.output_text).toBe(chat.choices[0].message.content);
		expect(response.output_text.length).toBeGreaterThan(0);
		expect(response.status).toBe("incomplete");
		expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
		expect(response.usage).toMatchObject({
			input_tokens: chat.usage?.prompt_tokens,
			output_tokens: chat.usage?.completion_tokens,
		});
		let streamed = "";
		for await (const event of await openai.responses.create({ ...ask, stream: true }))
			if (event.type === "response.output_text.delta") streamed += event.delta;
		expect(streamed).toBe(response.output_text);
	});

	it("continues a stored response with previous_response_id, its prefix reused from the cache", async () => {
		const first = await openai.responses.create({ model: PHI3_KEY, input: QUESTION, max_output_tokens: 8, temperature: 0 });
		const second = await openai.responses.create({
			model: PHI3_KEY,
			previous_response_id: first.id,
			input: "what is its capital?",
			max_output_tokens: 4,
			temperature: 0,
		});
		expect(second.previous_response_id).toBe(first.id);
		expect(second.usage?.input_tokens).toBeGreaterThan(first.usage?.input_tokens ?? 0);
		// The first turn's prompt (and what the model wrote) is still in the sequence's cache.
		expect(second.usage?.input_tokens_details.cached_tokens).toBeGreaterThan(0);
		expect(second.usage?.input_tokens_details.cached_tokens).toBeLessThan(second.usage?.input_tokens ?? 0);
	});

	it("returns JSON that parses and matches a json_schema text.format", async () => {
		const schema = {
			type: "object",
			properties: { answer: { enum: ["yes", "no"] }, sure: { type: "boolean" }, country: { const: "Taiwan" } },
			required: ["answer", "sure", "country"],
			additionalProperties: false,
		};
		for (const temperature of [0, 0.8]) {
			const response = await openai.responses.create({
				model: PHI3_KEY,
				input: "is taiwan an island?",
				temperature,
				max_output_tokens: 200,
				text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
			});
			expect(response.status).toBe("completed");
			const value = JSON.parse(response.output_text);
			expect(["yes", "no"]).toContain(value.answer);
			expect(typeof value.sure).toBe("boolean");
			expect(value.country).toBe("Taiwan");
		}
	});

	it("returns a real function call as a function_call item, and takes its output back", async () => {
		const tools = TIME_TOOL;
		const first = await openai.responses.create({
			model: TOOLS_KEY,
			input: "what time is it in Taipei?",
			tools,
			max_output_tokens: 60,
		});
		const call = first.output.find((item) => item.type === "function_call");
		if (call?.type !== "function_call") throw new Error(`no function call in ${JSON.stringify(first.output)}`);
		expect(call.call_id.length).toBeGreaterThan(0);
		expect(["Taipei", "Tokyo"]).toContain(JSON.parse(call.arguments).city);
		const second = await openai.responses.create({
			model: TOOLS_KEY,
			previous_response_id: first.id,
			input: [{ type: "function_call_output", call_id: call.call_id, output: "14:05" }],
			tools,
			max_output_tokens: 8,
		});
		expect(second.usage?.input_tokens).toBeGreaterThan(first.usage?.input_tokens ?? 0);
		expect(second.output.length).toBeGreaterThan(0);
	});

	// Needs the engine's streamed tool-call chunks.
	it("streams a function call: its arguments' deltas, as the model writes them, add up to the call", async () => {
		const events = [];
		for await (const event of await openai.responses.create({
			model: TOOLS_KEY,
			input: "what time is it in Taipei?",
			tools: TIME_TOOL,
			max_output_tokens: 60,
			stream: true,
		}))
			events.push(event);
		const deltas = events.flatMap((e) => (e.type === "response.function_call_arguments.delta" ? [e.delta] : []));
		const done = events.find((e) => e.type === "response.function_call_arguments.done");
		expect(done?.type === "response.function_call_arguments.done" && done.name).toBe("get_time");
		// The engine streams a call's arguments as they are written: more than one delta.
		expect(deltas.length).toBeGreaterThan(1);
		expect(deltas.join("")).toBe(done?.type === "response.function_call_arguments.done" ? done.arguments : undefined);
		expect(events.at(-1)?.type).toBe("response.completed");
	});

	// Needs the engine's forced tool choice (a grammar that makes the call).
	it("forces a call with tool_choice required or a named function, on a model that would answer in words", async () => {
		for (const tool_choice of ["required", { type: "function", name: "get_time" }] as const) {
			const response = await openai.responses.create({
				model: PHI3_KEY,
				input: "what time is it in Taipei?",
				tools: TIME_TOOL,
				tool_choice,
				max_output_tokens: 60,
			});
			const call = response.output.find((item) => item.type === "function_call");
			expect(call?.type === "function_call" && call.name).toBe("get_time");
			expect(["Taipei", "Tokyo"]).toContain(JSON.parse(call?.type === "function_call" ? call.arguments : "{}").city);
		}
	});

	// Needs the engine's reasoning chunks (a thinking model's text inside its thinking tags).
	it("answers a thinking model with a reasoning item before the message, streamed as reasoning_text deltas", async () => {
		const ask = { model: THINKER_KEY, input: QUESTION, max_output_tokens: 40, temperature: 0 };
		const response = await openai.responses.create(ask);
		expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
		const reasoning = response.output[0];
		const thought = reasoning.type === "reasoning" ? (reasoning.content?.[0]?.text ?? "") : "";
		expect(thought).toMatch(/think about the question/);
		expect(response.output_text).not.toMatch(/think/);
		let streamed = "";
		for await (const event of await openai.responses.create({ ...ask, stream: true }))
			if (event.type === "response.reasoning_text.delta") streamed += event.delta;
		expect(streamed).toBe(thought);
	});
});

const TIME_TOOL = [
	{
		type: "function" as const,
		name: "get_time",
		description: "The current time in a city",
		parameters: { type: "object", properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] } }, required: ["city"] },
		strict: true,
	},
];
