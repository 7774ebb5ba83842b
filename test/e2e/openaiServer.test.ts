import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome, TOOLS_KEY } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// The OpenAI dialect on real generated GGUFs, for what only a real engine shows: a whole journey
// through the openai client, grammar-forced JSON, real function calling and the Phi-3 template's
// token counts. Dialect details, errors and streaming rules are in test/server/openaiRoutes.
let server: RunningServer;
let openai: OpenAI;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
/** A model whose template declares thinking tags, and that thinks before every answer. */
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

describe("the official openai client, on a real model", () => {
	it("lists, chats, streams the same seeded answer, completes and embeds", async () => {
		type Listed = { id: string; loaded: boolean; max_context_length: number; loaded_context_length?: number };
		const phi3 = async () => (await openai.models.list()).data.find((m) => m.id === PHI3_KEY) as unknown as Listed;
		expect(await phi3()).toMatchObject({ object: "model", owned_by: "microsoft", max_context_length: 4096, loaded: false });

		const ask = { model: "phi-3-mini-4k-instruct-q4", messages: QUESTION, max_tokens: 16, seed: 42, temperature: 0.9 };
		const whole = await openai.chat.completions.create(ask);
		expect(whole.model).toBe(PHI3_KEY);
		expect(whole.choices[0].message).toMatchObject({ role: "assistant", content: expect.any(String) });
		expect(whole.choices[0].message.content?.length).toBeGreaterThan(0);
		expect(whole.choices[0].finish_reason).toBe("length");
		expect(whole.usage).toMatchObject({ completion_tokens: 16, total_tokens: 16 + (whole.usage?.prompt_tokens ?? 0) });
		expect(await phi3()).toMatchObject({ loaded: true, loaded_context_length: 4096 });

		const stream = await openai.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
		const chunks = [];
		for await (const chunk of stream) chunks.push(chunk);
		expect(chunks[0].choices[0].delta.role).toBe("assistant");
		expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(whole.choices[0].message.content);
		expect(chunks.at(-2)?.choices[0].finish_reason).toBe("length");
		const { prompt_tokens, completion_tokens, total_tokens } = whole.usage ?? {};
		expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens, completion_tokens, total_tokens });
		// The same prompt again: all of it but the last token comes from the sequence's cache.
		expect(chunks.at(-1)?.usage?.prompt_tokens_details?.cached_tokens).toBe((prompt_tokens ?? 0) - 1);

		const completion = await openai.completions.create({ model: PHI3_KEY, prompt: "The island of", max_tokens: 5, seed: 1 });
		expect(completion.choices[0].text.length).toBeGreaterThan(0);
		expect(completion.usage?.completion_tokens).toBe(5);
		let streamed = "";
		for await (const chunk of await openai.completions.create({
			model: PHI3_KEY,
			prompt: "The island of",
			max_tokens: 5,
			seed: 1,
			stream: true,
		}))
			streamed += chunk.choices[0]?.text ?? "";
		expect(streamed).toBe(completion.choices[0].text);

		const base64 = await openai.embeddings.create({ model: PHI3_KEY, input: ["where is taiwan", "hello"] });
		expect(base64.data).toHaveLength(2);
		expect(base64.data[0].embedding).toHaveLength(64); // the test model's embedding width
		const floats = await openai.embeddings.create({ model: PHI3_KEY, input: "where is taiwan", encoding_format: "float" });
		for (const [i, v] of floats.data[0].embedding.entries()) expect(v).toBeCloseTo(base64.data[0].embedding[i], 5);
		expect(base64.usage.prompt_tokens).toBeGreaterThan(0);
	});

	it("counts the prompt as the Phi-3 template renders it, token for token", async () => {
		// The GGUF's template rendered and tokenized by llama.cpp (LlamaCppEngine.test checks the text
		// against @huggingface/jinja, and that generation evaluates exactly these tokens).
		const count = async (messages: OpenAI.ChatCompletionMessageParam[]) =>
			(await openai.chat.completions.create({ model: PHI3_KEY, messages, max_tokens: 1, temperature: 0 })).usage?.prompt_tokens;
		expect(await count(QUESTION)).toBe(11);
		expect(
			await count([
				{ role: "system", content: "You are a concise geography tutor." },
				{ role: "user", content: "where is taiwan" },
				{ role: "assistant", content: "An island in East Asia." },
				{ role: "user", content: "what is its capital?" },
			]),
		).toBe(63);
		// A completion's prompt: the beginning token and the text's five, no template.
		const completion = await openai.completions.create({ model: PHI3_KEY, prompt: "The island of", max_tokens: 1 });
		expect(completion.usage?.prompt_tokens).toBe(6);
	});

	it("returns JSON that parses and matches a json_schema, and any JSON for json_object", async () => {
		const schema = {
			type: "object",
			properties: { answer: { enum: ["yes", "no"] }, sure: { type: "boolean" }, country: { const: "Taiwan" } },
			required: ["answer", "sure", "country"],
			additionalProperties: false,
		};
		for (const seed of [1, 2, 3]) {
			const completion = await openai.chat.completions.create({
				model: PHI3_KEY,
				messages: QUESTION,
				seed,
				max_tokens: 200,
				response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
			});
			const value = JSON.parse(completion.choices[0].message.content ?? "");
			expect(["yes", "no"]).toContain(value.answer);
			expect(typeof value.sure).toBe("boolean");
			expect(value.country).toBe("Taiwan");
			expect(Object.keys(value).sort()).toEqual(["answer", "country", "sure"]);
		}
		const any = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: QUESTION,
			seed: 4,
			max_tokens: 200,
			response_format: { type: "json_object" },
		});
		if (any.choices[0].finish_reason === "stop") expect(() => JSON.parse(any.choices[0].message.content ?? "")).not.toThrow();
		else expect(any.choices[0].message.content?.trimStart()).toMatch(/^[[{"\d\-tfn]/);
	});
});

describe("function calling through node-llama-cpp", () => {
	const tools = [
		{
			type: "function" as const,
			function: {
				name: "get_time",
				description: "The current time in a city",
				parameters: { type: "object", properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] } }, required: ["city"] },
			},
		},
	];
	const ask = [{ role: "user" as const, content: "what time is it in Taipei?" }];

	it("returns the model's tool call with finish_reason tool_calls, and takes the result back", async () => {
		const completion = await openai.chat.completions.create({ model: TOOLS_KEY, messages: ask, tools, max_tokens: 60 });
		const choice = completion.choices[0];
		expect(choice.finish_reason).toBe("tool_calls");
		expect(choice.message.content).toBeNull();
		const call = choice.message.tool_calls?.[0];
		expect(call).toMatchObject({ type: "function", function: { name: "get_time" } });
		expect(call?.id).toMatch(/^call_/);
		// The arguments are written under the parameters' grammar: JSON, with a city from the enum.
		const args = JSON.parse(call?.type === "function" ? call.function.arguments : "");
		expect(["Taipei", "Tokyo"]).toContain(args.city);

		const followUp = await openai.chat.completions.create({
			model: TOOLS_KEY,
			messages: [...ask, choice.message, { role: "tool", tool_call_id: call?.id ?? "", content: "14:05" }],
			tools,
			max_tokens: 8,
		});
		expect(followUp.usage?.prompt_tokens).toBeGreaterThan(completion.usage?.prompt_tokens ?? 0);
		expect(["stop", "length", "tool_calls"]).toContain(followUp.choices[0].finish_reason);
	});
});

describe("forced tool calls and reasoning, on real models", () => {
	const tools = [
		{
			type: "function" as const,
			function: {
				name: "get_time",
				parameters: {
					type: "object",
					properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] }, days: { type: "integer" } },
					required: ["city", "days"],
				},
			},
		},
		{
			type: "function" as const,
			function: { name: "set_alarm", parameters: { type: "object", properties: { loud: { type: "boolean" } } } },
		},
	];
	const ask = [{ role: "user" as const, content: "what time is it in Taipei?" }];

	it("forces a model that never calls tools to call one, by grammar, with arguments its schema allows", async () => {
		const required = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: ask,
			tools,
			tool_choice: "required",
			seed: 2,
		});
		expect(required.choices[0].finish_reason).toBe("tool_calls");
		for (const call of required.choices[0].message.tool_calls ?? []) {
			if (call.type !== "function") throw new Error("not a function call");
			const args = JSON.parse(call.function.arguments);
			if (call.function.name === "get_time") {
				expect(["Taipei", "Tokyo"]).toContain(args.city);
				expect(Number.isInteger(args.days)).toBe(true);
			} else expect(call.function.name).toBe("set_alarm");
		}
		const named = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: ask,
			tools,
			tool_choice: { type: "function", function: { name: "set_alarm" } },
			seed: 2,
		});
		const calls = named.choices[0].message.tool_calls ?? [];
		expect(calls.length).toBeGreaterThan(0);
		for (const call of calls) expect(call.type === "function" && call.function.name).toBe("set_alarm");
	});

	it("streams a call's arguments as the model writes them, which the official client puts together", async () => {
		const stream = openai.chat.completions.stream({
			model: TOOLS_KEY,
			messages: ask,
			tools,
			tool_choice: { type: "function", function: { name: "get_time" } },
			seed: 3,
		});
		let deltas = 0;
		stream.on("chunk", (chunk) => {
			deltas += chunk.choices[0]?.delta.tool_calls?.length ?? 0;
		});
		const final = await stream.finalChatCompletion();
		const call = final.choices[0].message.tool_calls?.[0];
		expect(deltas).toBeGreaterThan(2);
		expect(call?.type === "function" && call.function.name).toBe("get_time");
		const args = call?.type === "function" ? JSON.parse(call.function.arguments) : {};
		expect(["Taipei", "Tokyo"]).toContain(args.city);
	});

	it("keeps a thinking model's reasoning out of its answer, as reasoning_content, streamed and whole", async () => {
		const ask = { model: THINKER_KEY, messages: QUESTION, max_tokens: 20, seed: 1 };
		const whole = await openai.chat.completions.create(ask);
		const message = whole.choices[0].message as (typeof whole.choices)[0]["message"] & { reasoning_content?: string };
		expect(message.reasoning_content).toBe("think about the question");
		expect(message.content?.length).toBeGreaterThan(0);
		for (const leaked of ["<think>", "</think>", "about the question"]) expect(message.content).not.toContain(leaked);
		let reasoning = "";
		let content = "";
		for await (const chunk of await openai.chat.completions.create({ ...ask, stream: true })) {
			const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
			reasoning += delta?.reasoning_content ?? "";
			content += delta?.content ?? "";
		}
		expect(reasoning).toBe(message.reasoning_content);
		expect(content).toBe(message.content);
	});
});
