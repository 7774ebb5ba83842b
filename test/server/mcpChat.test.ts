import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NativeChatEvent } from "../../src/api/native/NativeChat.js";
import { testMcpStdio } from "../fixtures/mcp/testMcpCommand.js";
import { TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// A native chat whose model calls the tools of a real stdio MCP server (written for the tests; it
// records every call). The fake tool-calling model calls the first tool offered ("add", with
// schema-valid numbers) and answers in words once it has a result.
const KEY = "s3cret";
let server: FakeServer;
let callLog: string;

beforeAll(async () => {
	callLog = join(mkdtempSync(join(tmpdir(), "hearth-mcp-chat-")), "calls.jsonl");
	writeFileSync(callLog, "");
	server = await startFakeServer({ env: { HEARTH_API_KEY: KEY } });
	const mcp = {
		mcpServers: { calc: testMcpStdio({ MCP_CALL_LOG: callLog }) },
	};
	writeFileSync(join(server.env.HEARTH_HOME as string, "mcp.json"), JSON.stringify(mcp));
});
afterAll(() => server?.close());

const calls = () => readFileSync(callLog, "utf8").split("\n").filter(Boolean);
const headers = (key?: string) => ({ "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) });

/** A tool chat's events, answering each approval the stream asks for with `decide`. */
async function chat(
	decide: (e: Extract<NativeChatEvent, { type: "tool_call" }>) => string | undefined,
): Promise<NativeChatEvent[]> {
	const response = await fetch(`${server.url}/hearth/chat`, {
		method: "POST",
		headers: headers(KEY),
		body: JSON.stringify({ model: TOOLS_KEY, mcpTools: true, messages: [{ role: "user", content: "what is 2 and 3?" }] }),
	});
	expect(response.status).toBe(200);
	const events: NativeChatEvent[] = [];
	const reader = response.body?.getReader();
	const decoder = new TextDecoder();
	let buffered = "";
	for (;;) {
		const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
		if (done) break;
		buffered += decoder.decode(value, { stream: true });
		const parts = buffered.split("\n\n");
		buffered = parts.pop() ?? "";
		for (const part of parts) {
			if (!part.startsWith("data: ")) continue;
			const event = NativeChatEvent.parse(JSON.parse(part.slice(6)));
			events.push(event);
			const decision = event.type === "tool_call" && event.approval ? decide(event) : undefined;
			if (decision && event.type === "tool_call")
				await fetch(`${server.url}/hearth/chat/approvals`, {
					method: "POST",
					headers: headers(KEY),
					body: JSON.stringify({ approval: event.approval, decision }),
				});
		}
	}
	return events;
}

describe("MCP tools in the native chat", () => {
	it("refuses mcp.json's tools to an API without a key, with 403", async () => {
		const open = await startFakeServer();
		try {
			const response = await fetch(`${open.url}/hearth/chat`, {
				method: "POST",
				headers: headers(),
				body: JSON.stringify({ model: TOOLS_KEY, mcpTools: true, messages: [{ role: "user", content: "hi" }] }),
			});
			expect(response.status).toBe(403);
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe("mcp_not_allowed");
		} finally {
			await open.close();
		}
	});

	it("shows the call, runs it once approved, gives the result to the model, which then answers", async () => {
		const before = calls().length;
		const events = await chat(() => "once");
		const call = events.find((e) => e.type === "tool_call");
		if (call?.type !== "tool_call") throw new Error("no tool call");
		expect(call).toMatchObject({ server: "calc", tool: "add", approval: expect.stringMatching(/^approval_/) });
		const { a, b } = JSON.parse(call.arguments) as { a: number; b: number };
		const result = events.find((e) => e.type === "tool_result");
		expect(result).toMatchObject({ id: call.id, text: String(a + b), isError: false, denied: false, truncated: false });
		expect(
			calls()
				.slice(before)
				.map((l) => JSON.parse(l)),
		).toEqual([{ tool: "add", args: { a, b }, pid: expect.any(Number) }]);
		const done = events.at(-1);
		expect(done?.type).toBe("done");
		if (done?.type === "done") expect(done.text.length).toBeGreaterThan(0);
		expect(events.map((e) => e.type).filter((t) => t === "start")).toHaveLength(1);
	});

	it("runs nothing the user denies, and tells the model so", async () => {
		const before = calls().length;
		const events = await chat(() => "deny");
		expect(events.find((e) => e.type === "tool_result")).toMatchObject({
			denied: true,
			isError: true,
			text: "The user denied this call.",
		});
		expect(calls().length).toBe(before);
		expect(events.at(-1)?.type).toBe("done");
	});

	it("asks no more for a tool allowed always", async () => {
		await chat(() => "always");
		const before = calls().length;
		const events = await chat(() => {
			throw new Error("asked again");
		});
		const call = events.find((e) => e.type === "tool_call");
		expect(call).toMatchObject({ tool: "add" });
		expect(call && "approval" in call ? call.approval : undefined).toBeUndefined();
		expect(calls().length).toBe(before + 1);
	});

	it("answers an approval nobody waits for with 404", async () => {
		const response = await fetch(`${server.url}/hearth/chat/approvals`, {
			method: "POST",
			headers: headers(KEY),
			body: JSON.stringify({ approval: "approval_nope", decision: "once" }),
		});
		expect(response.status).toBe(404);
	});
});
