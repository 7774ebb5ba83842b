import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome, TOOLS_KEY } from "../fixtures/serverHome.js";
import { shapeOf, sseEvents } from "./sse.js";

let server: RunningServer;
let openai: OpenAI;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];

beforeAll(async () => {
	server = await startServer({ port: 0, env: await serverHome(), print: () => {} });
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	fetch(`${server.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});

describe("the official openai client", () => {
	it("lists the downloaded models, loaded ones with their context length", async () => {
		const models = await openai.models.list();
		const phi3 = models.data.find((m) => m.id === PHI3_KEY) as unknown as { loaded: boolean; max_context_length: number };
		expect(phi3).toMatchObject({ object: "model", owned_by: "microsoft", max_context_length: 4096 });
		await openai.chat.completions.create({ model: PHI3_KEY, messages: QUESTION, max_tokens: 1 });
		const after = (await openai.models.list()).data.find((m) => m.id === PHI3_KEY) as unknown as {
			loaded: boolean;
			loaded_context_length: number;
		};
		expect(after).toMatchObject({ loaded: true, loaded_context_length: 4096 });
	});

	it("chats without streaming, with usage and finish_reason", async () => {
		const completion = await openai.chat.completions.create({
			model: "phi-3-mini-4k-instruct-q4",
			messages: QUESTION,
			max_tokens: 9,
			seed: 3,
		});
		expect(completion.object).toBe("chat.completion");
		expect(completion.model).toBe(PHI3_KEY);
		expect(completion.choices[0].message.role).toBe("assistant");
		expect(completion.choices[0].message.content?.length).toBeGreaterThan(0);
		expect(completion.choices[0].finish_reason).toBe("length");
		expect(completion.usage).toMatchObject({ completion_tokens: 9, total_tokens: 9 + (completion.usage?.prompt_tokens ?? 0) });
	});

	it("streams the same seeded answer it gives without streaming, then a usage chunk", async () => {
		const whole = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: QUESTION,
			max_tokens: 16,
			seed: 42,
			temperature: 0.9,
		});
		const stream = await openai.chat.completions.create({
			model: PHI3_KEY,
			messages: QUESTION,
			max_tokens: 16,
			seed: 42,
			temperature: 0.9,
			stream: true,
			stream_options: { include_usage: true },
		});
		const chunks = [];
		for await (const chunk of stream) chunks.push(chunk);
		expect(chunks[0].choices[0].delta.role).toBe("assistant");
		expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(whole.choices[0].message.content);
		expect(chunks.at(-2)?.choices[0].finish_reason).toBe("length");
		expect(chunks.at(-1)?.choices).toEqual([]);
		expect(chunks.at(-1)?.usage).toEqual(whole.usage);
	});

	it("completes raw text", async () => {
		const completion = await openai.completions.create({ model: PHI3_KEY, prompt: "The island of", max_tokens: 5, seed: 1 });
		expect(completion.object).toBe("text_completion");
		expect(completion.choices[0].text.length).toBeGreaterThan(0);
		expect(completion.usage?.completion_tokens).toBe(5);
		const stream = await openai.completions.create({
			model: PHI3_KEY,
			prompt: "The island of",
			max_tokens: 5,
			seed: 1,
			stream: true,
		});
		let text = "";
		for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
		expect(text).toBe(completion.choices[0].text);
	});

	it("embeds, in base64 (the client's default) and as floats alike", async () => {
		const base64 = await openai.embeddings.create({ model: PHI3_KEY, input: ["where is taiwan", "hello"] });
		expect(base64.data).toHaveLength(2);
		expect(base64.data[0].embedding).toHaveLength(64);
		const floats = await openai.embeddings.create({ model: PHI3_KEY, input: "where is taiwan", encoding_format: "float" });
		for (const [i, v] of floats.data[0].embedding.entries()) expect(v).toBeCloseTo(base64.data[0].embedding[i], 5);
		expect(base64.usage.prompt_tokens).toBeGreaterThan(0);
	});

	it("returns JSON that parses and matches a json_schema", async () => {
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
	});
});

describe("function calling", () => {
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

	it("streams tool calls as a delta before the finish chunk", async () => {
		const stream = await openai.chat.completions.create({ model: TOOLS_KEY, messages: ask, tools, max_tokens: 60, stream: true });
		const chunks = [];
		for await (const chunk of stream) chunks.push(chunk);
		const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
		expect(calls).toHaveLength(1);
		expect(calls[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_time" } });
		expect(chunks.at(-1)?.choices[0].finish_reason).toBe("tool_calls");
	});

	it("does not offer tools with tool_choice none, and a model without tools in the request just answers", async () => {
		const none = await openai.chat.completions.create({
			model: TOOLS_KEY,
			messages: ask,
			tools,
			tool_choice: "none",
			max_tokens: 5,
		});
		expect(none.choices[0].message.tool_calls).toBeUndefined();
		expect(none.choices[0].finish_reason).not.toBe("tool_calls");
	});
});

describe("the wire, byte for byte", () => {
	it("frames a chat stream as OpenAI does: the same events, keys in the same order, then [DONE]", async () => {
		const response = await post("/v1/chat/completions", {
			model: PHI3_KEY,
			messages: QUESTION,
			max_tokens: 3,
			stream: true,
			stream_options: { include_usage: true },
		});
		expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
		const events = sseEvents(await response.text());
		const fixture = sseEvents(readFileSync(new URL("../fixtures/openai/chat-stream.sse.txt", import.meta.url), "utf8"));
		expect(events.at(-1)).toBe("[DONE]");
		const ours = events.slice(0, -1).map((e) => shapeOf(JSON.parse(e)));
		const theirs = fixture.slice(0, -1).map((e) => shapeOf(JSON.parse(e)));
		// Ours has three content chunks where the recording has one.
		expect([ours[0], ours[1], ...ours.slice(-2)]).toEqual(theirs);
		expect(new Set(events.slice(0, -1).map((e) => JSON.parse(e).id)).size).toBe(1);
	});

	it("answers malformed requests with OpenAI's error shape and the right status", async () => {
		const cases: [string, Response, number, string][] = [
			["not JSON", await post("/v1/chat/completions", "{nope"), 400, "invalid_json"],
			["no messages", await post("/v1/chat/completions", { model: PHI3_KEY, messages: [] }), 400, "invalid_request"],
			[
				"temperature 5",
				await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, temperature: 5 }),
				400,
				"invalid_request",
			],
			[
				"a tool role",
				await post("/v1/chat/completions", { model: PHI3_KEY, messages: [{ role: "tool", content: "x" }] }),
				400,
				"invalid_request",
			],
			[
				"a forced tool choice",
				await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, tool_choice: "required" }),
				400,
				"invalid_request",
			],
			[
				"a tool result answering no call",
				await post("/v1/chat/completions", {
					model: PHI3_KEY,
					messages: [...QUESTION, { role: "tool", tool_call_id: "call_x", content: "42" }],
				}),
				400,
				"invalid_value",
			],
			[
				"an unknown model",
				await post("/v1/chat/completions", { model: "no-such-model", messages: QUESTION }),
				404,
				"model_not_found",
			],
			["an unknown route", await post("/v1/nothing", {}), 404, "not_found"],
			[
				"a huge body",
				await post("/v1/chat/completions", { model: PHI3_KEY, messages: [{ role: "user", content: "x".repeat(17 * 2 ** 20) }] }),
				413,
				"body_too_large",
			],
		];
		for (const [name, response, status, code] of cases) {
			const body = (await response.json()) as { error: { code: string; message: string } };
			expect({ name, status: response.status, code: body.error?.code }).toEqual({ name, status, code });
			expect(typeof body.error.message).toBe("string");
			expect(body.error).toHaveProperty("type");
			expect(body.error).toHaveProperty("param");
		}
	});

	it("refuses a prompt longer than the context with 400 and both token counts, also when streaming", async () => {
		const long = Array.from({ length: 5000 }, () => "island").join(" ");
		for (const stream of [false, true]) {
			const response = await post("/v1/chat/completions", {
				model: PHI3_KEY,
				messages: [{ role: "user", content: long }],
				stream,
			});
			expect(response.status).toBe(400);
			const body = (await response.json()) as { error: { code: string; message: string } };
			expect(body.error.code).toBe("context_length_exceeded");
			expect(body.error.message).toMatch(/The prompt is \d+ tokens but the context holds 4096/);
		}
		const rolled = await post("/v1/chat/completions", {
			model: PHI3_KEY,
			messages: [
				{ role: "user", content: "hello" },
				{ role: "assistant", content: long },
				{ role: "user", content: "where is taiwan" },
			],
			max_tokens: 4,
			context_overflow_policy: "rollingWindow",
		});
		expect(rolled.status).toBe(200);
		expect(((await rolled.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBeLessThan(100);
	});
});

describe("concurrency and cancellation", () => {
	it("stops a generation whose client went away and starts the next request at once", async () => {
		const controller = new AbortController();
		const response = await post("/v1/chat/completions", {
			model: PHI3_KEY,
			messages: QUESTION,
			stream: true,
			temperature: 0,
		}).then((r) => r);
		void controller;
		const reader = response.body?.getReader();
		await reader?.read();
		await reader?.cancel();
		const started = performance.now();
		const next = await openai.chat.completions.create({ model: PHI3_KEY, messages: QUESTION, max_tokens: 2, stream: true });
		for await (const _ of next) break;
		expect(performance.now() - started).toBeLessThan(2000);
	});

	it("completes 8 concurrent streams", async () => {
		const streams = await Promise.all(
			Array.from({ length: 8 }, async (_, i) => {
				const stream = await openai.chat.completions.create({
					model: PHI3_KEY,
					messages: QUESTION,
					max_tokens: 12,
					seed: i,
					stream: true,
				});
				let finish: string | null = null;
				for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
				return finish;
			}),
		);
		expect(streams).toEqual(Array(8).fill("length"));
	});
});

describe("the gate", () => {
	const raw = (path: string, headers: Record<string, string>, port: number) =>
		new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
			const req = httpRequest({ host: "127.0.0.1", port, path, headers }, (res) => {
				let body = "";
				res.on("data", (d) => {
					body += d;
				});
				res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
			});
			req.on("error", reject);
			req.end();
		});

	it("refuses a foreign Host (DNS rebinding) and accepts localhost, 127.0.0.1 and [::1]", async () => {
		const port = Number(new URL(server.url).port);
		expect((await raw("/v1/models", { host: `evil.example:${port}` }, port)).status).toBe(403);
		for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
			expect((await raw("/v1/models", { host }, port)).status).toBe(200);
	});

	it("refuses cross-origin browser requests unless CORS allows the origin, and never reflects one with credentials", async () => {
		const port = Number(new URL(server.url).port);
		const foreign = await raw("/v1/models", { host: `127.0.0.1:${port}`, origin: "https://evil.example" }, port);
		expect(foreign.status).toBe(403);
		expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
		expect((await raw("/v1/models", { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }, port)).status).toBe(200);

		const cors = await startServer({ port: 0, env: await serverHome(), corsOrigins: ["https://app.example"], print: () => {} });
		try {
			const p = Number(new URL(cors.url).port);
			const allowed = await raw("/v1/models", { host: `127.0.0.1:${p}`, origin: "https://app.example" }, p);
			expect(allowed.status).toBe(200);
			expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example");
			expect(allowed.headers["access-control-allow-credentials"]).toBeUndefined();
			expect((await raw("/v1/models", { host: `127.0.0.1:${p}`, origin: "https://other.example" }, p)).status).toBe(403);
		} finally {
			await cors.close();
		}
	});

	it("requires the API key on every route but /health, as Bearer or x-api-key", async () => {
		const locked = await startServer({ port: 0, env: await serverHome(), apiKey: "s3cret", print: () => {} });
		try {
			expect((await fetch(`${locked.url}/health`)).status).toBe(200);
			const denied = await fetch(`${locked.url}/v1/models`);
			expect(denied.status).toBe(401);
			expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
			expect((await fetch(`${locked.url}/v1/models`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
			expect((await fetch(`${locked.url}/v1/models`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
			expect((await fetch(`${locked.url}/v1/models`, { headers: { "x-api-key": "s3cret" } })).status).toBe(200);
			const client = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "s3cret", maxRetries: 0 });
			expect((await client.models.list()).data.length).toBeGreaterThan(0);
		} finally {
			await locked.close();
		}
	});
});
