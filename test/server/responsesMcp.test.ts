import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../src/engine/Engine.js";
import { startTestMcpHttp } from "../fixtures/mcp/testMcpCommand.js";
import { PHI3_KEY, TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The Responses API's remote MCP tools, through the official OpenAI client, against a real MCP
// server written for the tests (streamable HTTP on loopback; it records its calls). The fake
// tool-calling model calls the first tool offered, with schema-valid numbers.
let http: ChildProcess;
let url: string;
let callLog: string;
let allowed: FakeServer;
let closed: FakeServer;
let openai: OpenAI;

beforeAll(async () => {
	callLog = join(mkdtempSync(join(tmpdir(), "hearth-resp-mcp-")), "calls.jsonl");
	writeFileSync(callLog, "");
	({ url, process: http } = await startTestMcpHttp({ MCP_CALL_LOG: callLog, MCP_EXPECT_AUTH: "Bearer upstream" }));
	allowed = await startFakeServer({ env: { HEARTH_ALLOW_REMOTE_MCP: "1" } });
	closed = await startFakeServer();
	openai = new OpenAI({ baseURL: `${allowed.url}/v1`, apiKey: "none", maxRetries: 0 });
});
afterAll(async () => {
	await allowed?.close();
	await closed?.close();
	http?.kill();
});

const calc = (extra: Record<string, unknown> = {}) =>
	({
		type: "mcp",
		server_label: "calc",
		server_url: url,
		headers: { Authorization: "Bearer upstream" },
		require_approval: "never",
		allowed_tools: ["add", "echo"],
		...extra,
	}) as unknown as OpenAI.Responses.Tool;
const calls = () => readFileSync(callLog, "utf8").split("\n").filter(Boolean);

describe("mcp tools in /v1/responses", () => {
	it("lists the server's tools, runs the model's call, gives it the result, and answers", async () => {
		const before = calls().length;
		const response = await openai.responses.create({ model: TOOLS_KEY, input: "what is 2 and 3?", tools: [calc()] });
		expect(response.output.map((i) => i.type)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
		const [list, call] = response.output as [
			OpenAI.Responses.ResponseOutputItem.McpListTools,
			OpenAI.Responses.ResponseOutputItem.McpCall,
		];
		expect(list.tools.map((t) => t.name)).toEqual(["add", "echo"]);
		expect(list.tools[0]?.input_schema).toMatchObject({ properties: { a: { type: "number" } } });
		const { a, b } = JSON.parse(call.arguments) as { a: number; b: number };
		expect(call).toMatchObject({ server_label: "calc", name: "add", output: String(a + b), error: null });
		expect(calls().length).toBe(before + 1);
		expect(response.output_text.length).toBeGreaterThan(0);
		// The tools are repeated as given, but never their headers.
		expect(JSON.stringify(response.tools)).not.toContain("upstream");
		// The model read the result as a tool message.
		const last = allowed.engine.requests.at(-1)?.request as ChatRequest;
		expect(last.messages.at(-1)).toMatchObject({ role: "tool", content: String(a + b) });

		// Continued: the call and its result are part of the conversation the next turn reads.
		await openai.responses.create({ model: PHI3_KEY, previous_response_id: response.id, input: "and then?" });
		const next = allowed.engine.requests.at(-1)?.request as ChatRequest;
		expect(next.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "user"]);
		expect(next.messages[2]?.content).toBe(String(a + b));
	});

	it("forces a call of one of the server's tools with tool_choice required, on a model that would not call", async () => {
		const response = await openai.responses.create({ model: PHI3_KEY, input: "hello", tools: [calc()], tool_choice: "required" });
		expect(response.output.map((i) => i.type)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
	});

	it("streams the items and the completed response", async () => {
		const stream = await openai.responses.create({ model: TOOLS_KEY, input: "what is 2 and 3?", tools: [calc()], stream: true });
		const types: string[] = [];
		let completed: OpenAI.Responses.Response | undefined;
		for await (const event of stream) {
			types.push(event.type);
			if (event.type === "response.completed") completed = event.response;
		}
		expect(types[0]).toBe("response.created");
		expect(types.filter((t) => t === "response.output_item.done")).toHaveLength(3);
		expect(completed?.output.map((i) => i.type)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
	});

	it("asks approval by default, runs the call once approved, and tells the model of a denial", async () => {
		const tools = [calc({ require_approval: undefined })];
		const before = calls().length;
		const asked = await openai.responses.create({ model: TOOLS_KEY, input: "what is 2 and 3?", tools });
		expect(asked.output.map((i) => i.type)).toEqual(["mcp_list_tools", "mcp_approval_request"]);
		const request = asked.output[1] as OpenAI.Responses.ResponseOutputItem.McpApprovalRequest;
		expect(request).toMatchObject({ server_label: "calc", name: "add" });
		expect(calls().length).toBe(before); // nothing ran yet

		const approved = await openai.responses.create({
			model: TOOLS_KEY,
			previous_response_id: asked.id,
			tools,
			input: [{ type: "mcp_approval_response", approval_request_id: request.id, approve: true }],
		});
		const { a, b } = JSON.parse(request.arguments) as { a: number; b: number };
		expect(approved.output.map((i) => i.type)).toEqual(["mcp_list_tools", "mcp_call", "message"]);
		expect(approved.output[1]).toMatchObject({ name: "add", output: String(a + b), approval_request_id: request.id });
		expect(calls().length).toBe(before + 1);

		const again = await openai.responses.create({ model: TOOLS_KEY, input: "what is 2 and 3?", tools });
		const second = again.output[1] as OpenAI.Responses.ResponseOutputItem.McpApprovalRequest;
		const denied = await openai.responses.create({
			model: TOOLS_KEY,
			previous_response_id: again.id,
			tools,
			input: [{ type: "mcp_approval_response", approval_request_id: second.id, approve: false }],
		});
		expect(denied.output.map((i) => i.type)).toEqual(["mcp_list_tools", "message"]);
		expect(calls().length).toBe(before + 1);
		const read = allowed.engine.requests.at(-1)?.request as ChatRequest;
		expect(read.messages.at(-1)).toMatchObject({ role: "tool", content: "The user denied this call." });

		const stray = await openai.responses
			.create({
				model: TOOLS_KEY,
				tools,
				input: [{ type: "mcp_approval_response", approval_request_id: "mcpr_nope", approve: true }],
			})
			.catch((e: unknown) => e);
		expect(stray).toMatchObject({ status: 400 });
	});

	it("refuses what it cannot do safely: remote servers when off, mcp.json without a key", async () => {
		const off = new OpenAI({ baseURL: `${closed.url}/v1`, apiKey: "none", maxRetries: 0 });
		expect(await off.responses.create({ model: TOOLS_KEY, input: "hi", tools: [calc()] }).catch((e: unknown) => e)).toMatchObject(
			{
				status: 403,
				code: "remote_mcp_disabled",
			},
		);
		writeFileSync(join(closed.env.HEARTH_HOME as string, "mcp.json"), JSON.stringify({ mcpServers: { calc: { url } } }));
		const local = { type: "mcp", server_label: "calc", require_approval: "never" } as unknown as OpenAI.Responses.Tool;
		expect(await off.responses.create({ model: TOOLS_KEY, input: "hi", tools: [local] }).catch((e: unknown) => e)).toMatchObject({
			status: 403,
			code: "mcp_not_allowed",
		});
	});
});
