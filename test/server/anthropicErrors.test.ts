import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnthropicError } from "../../src/api/anthropic/AnthropicError.js";
import { PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { anthropicSseEvents } from "../fixtures/wire/anthropic-sseEvents.js";

// The Anthropic dialect's errors on the fake engine: each in Anthropic's shape with its type and
// status, before the first byte as a real status and after it as an `error` event.
let server: FakeServer;
let locked: FakeServer;
let busy: FakeServer;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
const ASK = { model: PHI3_KEY, max_tokens: 4, messages: QUESTION };

beforeAll(async () => {
	[server, locked, busy] = await Promise.all([
		startFakeServer(),
		startFakeServer({ server: { apiKey: "s3cret" } }),
		// One sequence and a queue of one, a model that answers until it is stopped: easy to fill.
		startFakeServer({ env: { HEARTH_PARALLEL: "1", HEARTH_QUEUE: "1" }, engine: { tokenDelayMs: 2, answerTokens: 100_000 } }),
	]);
});
afterAll(() => Promise.all([server.close(), locked.close(), busy.close()]));

const post = (path: string, body: unknown, headers: Record<string, string> = {}, on: FakeServer = server) =>
	fetch(`${on.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
const client = (on: FakeServer, apiKey = "not-needed") => new Anthropic({ baseURL: on.url, apiKey, maxRetries: 0 });

/** The SDK's error for a call, or a failure when the call succeeds. */
async function sdkError(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
	try {
		await call;
	} catch (error) {
		if (error instanceof Anthropic.APIError) return error;
		throw error;
	}
	throw new Error("expected the call to fail");
}

describe("errors, in Anthropic's shape", () => {
	it("answers malformed requests with Anthropic's error types and statuses", async () => {
		const image = { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } };
		const cases: [string, Response, number, string, RegExp][] = [
			["not JSON", await post("/v1/messages", "{nope"), 400, "invalid_request_error", /not valid JSON/],
			[
				"no max_tokens",
				await post("/v1/messages", { model: PHI3_KEY, messages: QUESTION }),
				400,
				"invalid_request_error",
				/max_tokens is required/,
			],
			["no messages", await post("/v1/messages", { ...ASK, messages: [] }), 400, "invalid_request_error", /messages/],
			["temperature 2", await post("/v1/messages", { ...ASK, temperature: 2 }), 400, "invalid_request_error", /temperature/],
			[
				"an image",
				await post("/v1/messages", {
					...ASK,
					messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, image] }],
				}),
				400,
				"invalid_request_error",
				/messages\.0\.content\.1: image blocks are not supported yet/,
			],
			[
				"an image in a tool result",
				await post("/v1/messages", {
					...ASK,
					messages: [
						{ role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "f", input: {} }] },
						{ role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: [image] }] },
					],
				}),
				400,
				"invalid_request_error",
				/messages\.1\.content\.0\.content\.0: image blocks are not supported yet/,
			],
			[
				"a server tool",
				await post("/v1/messages", { ...ASK, tools: [{ type: "web_search_20250305", name: "web_search" }] }),
				400,
				"invalid_request_error",
				/only custom tools/,
			],
			[
				"a tool_choice naming no tool",
				await post("/v1/messages", {
					...ASK,
					tools: [{ name: "f", input_schema: { type: "object" } }],
					tool_choice: { type: "tool", name: "g" },
				}),
				400,
				"invalid_request_error",
				/names the tool "g", which is not among the request's tools \(f\)/,
			],
			[
				"a tool result answering no call",
				await post("/v1/messages", {
					...ASK,
					messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "call_x" }] }],
				}),
				400,
				"invalid_request_error",
				/answers no tool call/,
			],
			[
				"max_tokens past the context",
				await post("/v1/messages", { ...ASK, max_tokens: 100_000 }),
				400,
				"invalid_request_error",
				/100000/,
			],
			[
				"an unknown model",
				await post("/v1/messages", { ...ASK, model: "no-such-model" }),
				404,
				"not_found_error",
				/no-such-model/,
			],
			["an unknown route", await post("/v1/messages/nothing", {}), 404, "not_found_error", /No such route/],
			[
				"count_tokens of an unknown model",
				await post("/v1/messages/count_tokens", { model: "no-such-model", messages: QUESTION }),
				404,
				"not_found_error",
				/no-such-model/,
			],
			[
				"a huge body",
				await post("/v1/messages", { ...ASK, messages: [{ role: "user", content: "x".repeat(17 * 2 ** 20) }] }),
				413,
				"request_too_large",
				/HEARTH_MAX_BODY_MB/,
			],
		];
		for (const [name, response, status, type, message] of cases) {
			const body = AnthropicError.strict().parse(await response.json());
			expect({ name, status: response.status, type: body.error.type }).toEqual({ name, status, type });
			expect(body.error.message).toMatch(message);
		}
	});

	it("gives the SDK typed errors: BadRequestError, NotFoundError, with the error type", async () => {
		const missing = await sdkError(client(server).messages.create({ model: PHI3_KEY, messages: QUESTION } as never));
		expect(missing).toBeInstanceOf(Anthropic.BadRequestError);
		expect(missing.type).toBe("invalid_request_error");
		const unknown = await sdkError(client(server).messages.create({ ...ASK, model: "no-such-model" }));
		expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
		expect(unknown.type).toBe("not_found_error");
	});

	it("asks a server with an API key for it as x-api-key or a bearer token, and refuses a wrong one with 401", async () => {
		const wrong = await sdkError(client(locked, "wrong").messages.create(ASK));
		expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
		expect(wrong.type).toBe("authentication_error");
		const none = await post("/v1/messages", ASK, { "anthropic-version": "2023-06-01" }, locked);
		expect(none.status).toBe(401);
		expect(AnthropicError.parse(await none.json()).error.type).toBe("authentication_error");
		const byHeader = await post("/v1/messages", ASK, { "x-api-key": "s3cret", "anthropic-version": "2023-06-01" }, locked);
		expect(byHeader.status).toBe(200);
		expect((await client(locked, "s3cret").messages.create(ASK)).type).toBe("message");
		expect((await client(locked, "s3cret").messages.countTokens({ model: PHI3_KEY, messages: QUESTION })).input_tokens).toBe(7);
	});

	it("answers a full queue with 503 overloaded_error and Retry-After, streaming or not", async () => {
		const holders = [new AbortController(), new AbortController()];
		try {
			const generating = await fetch(`${busy.url}/v1/messages`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ ...ASK, max_tokens: 4000, stream: true }),
				signal: holders[0].signal,
			});
			await generating.body?.getReader().read();
			// The second waits for the only sequence; the third finds the queue full.
			void fetch(`${busy.url}/v1/messages`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ ...ASK, max_tokens: 4000 }),
				signal: holders[1].signal,
			}).catch(() => {});
			await new Promise((resolve) => setTimeout(resolve, 50));
			for (const stream of [false, true]) {
				const refused = await post("/v1/messages", { ...ASK, stream }, {}, busy);
				expect(refused.status).toBe(503);
				expect(refused.headers.get("retry-after")).toBe("1");
				expect(AnthropicError.parse(await refused.json()).error.type).toBe("overloaded_error");
			}
			const sdk = await sdkError(client(busy).messages.create(ASK));
			expect(sdk.status).toBe(503);
			expect(sdk.type).toBe("overloaded_error");
		} finally {
			for (const holder of holders) holder.abort();
		}
	});

	it("gives a runner that dies before the first token a real 500, and one that dies later an error event", async () => {
		const crashAt = (tokens: number) => (prompt: string, generated: number) => {
			if (prompt.includes("crash here") && generated === tokens) server.engine.crash(PHI3_KEY);
			return undefined;
		};
		const ask = { model: PHI3_KEY, max_tokens: 10, messages: [{ role: "user", content: "crash here" }] };
		await server.engine.with({ failGeneration: crashAt(0) }, async () => {
			for (const stream of [false, true]) {
				const early = await post("/v1/messages", { ...ask, stream });
				expect(early.status).toBe(500);
				expect(AnthropicError.parse(await early.json()).error.type).toBe("api_error");
			}
		});
		await server.engine.with({ failGeneration: crashAt(2) }, async () => {
			const late = await post("/v1/messages", { ...ask, stream: true });
			expect(late.status).toBe(200);
			const events = anthropicSseEvents(await late.text());
			expect(events.map((e) => e.event)).toEqual([
				"message_start",
				"content_block_start",
				"ping",
				"content_block_delta",
				"content_block_delta",
				"error",
			]);
			expect(events.at(-1)?.data).toEqual({
				type: "error",
				error: { type: "api_error", message: expect.stringContaining("SIGKILL") },
			});
			const streamed = client(server).messages.stream({ ...ask, messages: [{ role: "user", content: "crash here" }] });
			const sdk = await sdkError(streamed.finalMessage());
			expect(sdk.type).toBe("api_error");
		});
		// The model was unloaded with its runner; the next request loads it again.
		expect((await client(server).messages.create(ASK)).stop_reason).toBe("max_tokens");
	});

	it("refuses a prompt longer than the context with 400, also when streaming and counting", async () => {
		const long = Array.from({ length: 5000 }, () => "island").join(" ");
		for (const stream of [false, true]) {
			const response = await post("/v1/messages", { ...ASK, messages: [{ role: "user", content: long }], stream });
			expect(response.status).toBe(400);
			const body = AnthropicError.parse(await response.json());
			expect(body.error).toEqual({
				type: "invalid_request_error",
				message: expect.stringMatching(/The prompt is 5004 tokens but the context holds 4096/),
			});
		}
		// count_tokens counts it all the same, as Anthropic's does.
		const counted = await client(server).messages.countTokens({ model: PHI3_KEY, messages: [{ role: "user", content: long }] });
		expect(counted.input_tokens).toBe(5004);
	});

	it("keeps the tool-calling model's errors in Anthropic's shape too", async () => {
		const response = await post("/v1/messages", {
			...ASK,
			model: TOOLS_KEY,
			tool_choice: { type: "any" },
		});
		expect(response.status).toBe(400);
		expect(AnthropicError.parse(await response.json()).error.message).toMatch(/tool_choice "any" needs tools/);
	});
});
