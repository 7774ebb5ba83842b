import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LLAMA_KEY, PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";
import { sseEvents } from "../fixtures/wire/wireShape.js";

// The OpenAI dialect's errors on the fake engine: each in OpenAI's shape with its status, before
// the first byte as a real status and after it as an error event.
let server: FakeServer;
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
/** The fake tokenizer's count for QUESTION: <s>, <|user|>, three words, <|end|>, <|assistant|>. */
const QUESTION_TOKENS = 7;

beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	fetch(`${server.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});

describe("errors, in OpenAI's shape", () => {
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
				"tools with a response format",
				await post("/v1/chat/completions", {
					model: TOOLS_KEY,
					messages: QUESTION,
					tools: [{ type: "function", function: { name: "f" } }],
					response_format: { type: "json_object" },
				}),
				400,
				"invalid_request",
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
			const body = (await response.json()) as { error: { code: string; message: string; type: string } };
			expect({ name, status: response.status, code: body.error?.code }).toEqual({ name, status, code });
			expect(typeof body.error.message).toBe("string");
			expect(body.error.type).toBe(status === 404 ? "not_found_error" : "invalid_request_error");
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
			const body = (await response.json()) as { error: { code: string; message: string; param: string } };
			expect(body.error.code).toBe("context_length_exceeded");
			expect(body.error.param).toBe("messages");
			// 5000 words and the template's four tokens: <s>, <|user|>, <|end|>, <|assistant|>.
			expect(body.error.message).toMatch(/The prompt is 5004 tokens but the context holds 4096/);
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
		expect(((await rolled.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBe(QUESTION_TOKENS);
	});

	it("reports a model that fails to load as 500 model_load_failed", async () => {
		await server.engine.with({ failLoad: /tiny-llama/ }, async () => {
			const response = await post("/v1/chat/completions", { model: LLAMA_KEY, messages: QUESTION, max_tokens: 2 });
			expect(response.status).toBe(500);
			const body = (await response.json()) as { error: { code: string; type: string; message: string } };
			expect(body.error).toMatchObject({ code: "model_load_failed", type: "server_error" });
			expect(body.error.message).toContain("tiny-llama-Q4_0.gguf");
		});
	});

	it("gives a runner that dies before the first token a real 500, and one that dies later an error event", async () => {
		const crashAt = (tokens: number) => (prompt: string, generated: number) => {
			if (prompt.includes("crash here") && generated === tokens) server.engine.crash(PHI3_KEY);
			return undefined;
		};
		const ask = { model: PHI3_KEY, messages: [{ role: "user", content: "crash here" }], max_tokens: 10, stream: true };
		await server.engine.with({ failGeneration: crashAt(0) }, async () => {
			for (const stream of [false, true]) {
				const early = await post("/v1/chat/completions", { ...ask, stream });
				expect(early.status).toBe(500);
				expect(((await early.json()) as { error: { code: string } }).error.code).toBe("runner_exited");
			}
		});
		await server.engine.with({ failGeneration: crashAt(2) }, async () => {
			const late = await post("/v1/chat/completions", ask);
			expect(late.status).toBe(200);
			const events = sseEvents(await late.text()).map((e) => JSON.parse(e));
			expect(events.map((e) => e.choices?.[0]?.delta.content ?? "error")).toEqual([
				"",
				expect.any(String),
				expect.any(String),
				"error",
			]);
			expect(events.at(-1)).toEqual({
				error: { message: expect.stringContaining("SIGKILL"), type: "server_error", param: null, code: "runner_exited" },
			});
		});
		// The model was unloaded with its runner; the next request loads it again.
		const after = await post("/v1/chat/completions", { model: PHI3_KEY, messages: QUESTION, max_tokens: 2 });
		expect(((await after.json()) as { choices: { finish_reason: string }[] }).choices[0].finish_reason).toBe("length");
	});
});
