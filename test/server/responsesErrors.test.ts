import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The Responses API's errors on the fake engine, in OpenAI's error shape: a real status before the
// first byte of an answer, an `error` event after it.
let server: FakeServer;

beforeAll(async () => {
	server = await startFakeServer();
});
afterAll(() => server.close());

const call = (method: string, path: string, body?: unknown) =>
	fetch(`${server.url}${path}`, {
		method,
		headers: { "content-type": "application/json" },
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	});
const post = (body: unknown) => call("POST", "/v1/responses", body);
type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/** A Responses stream's events, each checked to be named after its type. */
function events(body: string): Record<string, unknown>[] {
	return body
		.trimEnd()
		.split("\n\n")
		.map((frame) => {
			const [name, data] = frame.split("\n");
			const event = JSON.parse(data.slice("data: ".length)) as Record<string, unknown>;
			expect(name).toBe(`event: ${event.type}`);
			return event;
		});
}

describe("errors of /v1/responses, in OpenAI's shape", () => {
	it("answers bad requests with the status, code and field at fault", async () => {
		const long = Array.from({ length: 5000 }, () => "island").join(" ");
		const tools = [{ type: "function", name: "f", parameters: { type: "object" } }];
		const cases: [string, Response, number, string, string | null][] = [
			["not JSON", await post("{nope"), 400, "invalid_json", null],
			["no model", await post({ input: "hi" }), 400, "invalid_request", "model"],
			["temperature 5", await post({ model: PHI3_KEY, input: "hi", temperature: 5 }), 400, "invalid_request", "temperature"],
			[
				"a hosted tool",
				await post({ model: PHI3_KEY, input: "hi", tools: [{ type: "web_search" }] }),
				400,
				"invalid_request",
				"tools.0.type",
			],
			[
				"an image",
				await post({ model: PHI3_KEY, input: [{ role: "user", content: [{ type: "input_image", image_url: "x" }] }] }),
				400,
				"unsupported_content",
				"input.0.content.0",
			],
			[
				"tools with a JSON format",
				await post({ model: TOOLS_KEY, input: "hi", tools, text: { format: { type: "json_object" } } }),
				400,
				"invalid_request",
				"text.format",
			],
			["an output past the context", await post({ model: PHI3_KEY, input: long }), 400, "context_length_exceeded", "input"],
			["background", await post({ model: PHI3_KEY, input: "hi", background: true }), 400, "invalid_request", "background"],
			["an unknown model", await post({ model: "no-such-model", input: "hi" }), 404, "model_not_found", "model"],
			["an unknown response", await call("GET", "/v1/responses/resp_nope"), 404, "response_not_found", "response_id"],
			["deleting an unknown response", await call("DELETE", "/v1/responses/resp_nope"), 404, "response_not_found", "response_id"],
			[
				"streaming a stored response again",
				await call("GET", "/v1/responses/resp_x?stream=true"),
				400,
				"invalid_request",
				"stream",
			],
			["a route Hearth does not have", await call("GET", "/v1/responses/resp_x/input_items"), 404, "not_found", null],
		];
		for (const [name, response, status, code, param] of cases) {
			const body = (await response.json()) as ErrorBody;
			expect({ name, status: response.status, code: body.error?.code, param: body.error?.param }).toEqual({
				name,
				status,
				code,
				param,
			});
			expect(body.error.message.length).toBeGreaterThan(0);
			expect(body.error.type).toBe(status === 404 ? "not_found_error" : "invalid_request_error");
		}
	});

	it("answers a stream that fails before its first event with a real status, not an event", async () => {
		for (const body of [
			{ model: "no-such-model", input: "hi", stream: true },
			{ model: PHI3_KEY, input: Array.from({ length: 5000 }, () => "island").join(" "), stream: true },
		]) {
			const response = await post(body);
			expect(response.status).toBeGreaterThanOrEqual(400);
			expect(response.headers.get("content-type")).toMatch(/^application\/json/);
			expect(((await response.json()) as ErrorBody).error.code).toMatch(/model_not_found|context_length_exceeded/);
		}
		await server.engine.with({ failGeneration: () => new Error("the model fell over") }, async () => {
			const response = await post({ model: PHI3_KEY, input: "where is taiwan", stream: true });
			expect(response.status).toBe(500);
			expect(((await response.json()) as ErrorBody).error).toMatchObject({
				type: "server_error",
				message: "the model fell over",
			});
		});
	});

	it("ends a stream that fails midway with an error event numbered after the others, and stores nothing", async () => {
		const failing = {
			failGeneration: (_: string, generated: number) => (generated === 2 ? new Error("the runner died") : undefined),
		};
		await server.engine.with(failing, async () => {
			const response = await post({ model: PHI3_KEY, input: "where is taiwan", stream: true });
			expect(response.status).toBe(200);
			const sent = events(await response.text());
			expect(sent.map((e) => e.type)).toEqual([
				"response.created",
				"response.in_progress",
				"response.output_item.added",
				"response.content_part.added",
				"response.output_text.delta",
				"response.output_text.delta",
				"error",
			]);
			expect(sent.at(-1)).toEqual({
				type: "error",
				sequence_number: 6,
				code: "internal_error",
				message: "the runner died",
				param: null,
			});
			const id = (sent[0].response as { id: string }).id;
			expect((await call("GET", `/v1/responses/${id}`)).status).toBe(404);
		});
	});
});
