import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../../test/fixtures/isAlive.js";
import { startTestMcpHttp, testMcpStdio } from "../../test/fixtures/mcp/testMcpCommand.js";
import { type McpConfig, McpConfigError, parseMcpConfig, readMcpConfig, writeMcpConfig } from "./McpConfig.js";
import { McpCallError, McpServers } from "./McpServers.js";

// Real MCP servers written for the tests (test/fixtures/mcp/testMcpServer.ts, on the official
// SDK), over stdio and streamable HTTP; every call they receive is logged to a file.
const folder = mkdtempSync(join(tmpdir(), "hearth-mcp-"));
const callLog = join(folder, "calls.jsonl");
const stdio = testMcpStdio({ MCP_CALL_LOG: callLog });
let http: ChildProcess;
let httpUrl: string;
const opened: McpServers[] = [];

function servers(config: McpConfig["mcpServers"], options: ConstructorParameters<typeof McpServers>[1] = {}) {
	const made = new McpServers(() => ({ mcpServers: config }), options);
	opened.push(made);
	return made;
}
const calls = () =>
	readFileSync(callLog, "utf8")
		.trim()
		.split("\n")
		.map((l) => JSON.parse(l) as { tool: string; args: unknown; pid: number });
const alive = isAlive;

beforeAll(async () => {
	({ url: httpUrl, process: http } = await startTestMcpHttp({ MCP_CALL_LOG: callLog, MCP_EXPECT_AUTH: "Bearer s3cret" }));
});
afterAll(async () => {
	await Promise.all(opened.map((s) => s.close()));
	http?.kill();
});

describe("MCP servers from mcp.json", () => {
	it("starts a stdio server, lists its tools and calls one, which the server records", async () => {
		const mcp = servers({ local: stdio });
		const [status] = await mcp.status();
		expect(status).toMatchObject({ name: "local", transport: "stdio", state: "ready" });
		expect(status?.tools.map((t) => t.name).sort()).toEqual(["add", "crash", "echo", "huge", "slow"]);
		const add = (await mcp.tools()).find((t) => t.name === "add");
		expect(add).toMatchObject({ server: "local", description: "Adds two numbers" });
		expect(add?.inputSchema).toMatchObject({ type: "object", properties: { a: { type: "number" }, b: { type: "number" } } });
		expect(await mcp.call("local", "add", { a: 2, b: 3 })).toEqual({ text: "5", isError: false, truncated: false, bytes: 1 });
		expect(calls().at(-1)).toMatchObject({ tool: "add", args: { a: 2, b: 3 }, pid: status?.pid });
	});

	it("reaches a streamable HTTP server with its headers, and says why one without them fails", async () => {
		const mcp = servers({
			remote: { url: httpUrl, headers: { Authorization: "Bearer s3cret" } },
			locked: { url: httpUrl },
		});
		const byName = Object.fromEntries((await mcp.status()).map((s) => [s.name, s]));
		expect(byName.remote).toMatchObject({ transport: "http", state: "ready" });
		expect(byName.locked).toMatchObject({ state: "failed", error: expect.stringMatching(/401|unauthorized/i) });
		expect((await mcp.tools()).every((t) => t.server === "remote")).toBe(true);
		expect((await mcp.call("remote", "echo", { text: "over http" })).text).toBe("over http");
	});

	it("cuts a huge result and marks it, and ends a call that takes too long without harming the server", async () => {
		const mcp = servers({ local: stdio }, { maxResultBytes: 1000, callTimeoutMs: 500 });
		const huge = await mcp.call("local", "huge", {});
		expect(huge.truncated).toBe(true);
		expect(huge.bytes).toBe(2 ** 20);
		expect(huge.text).toMatch(/^x{1000}\n\[truncated: the result was 1048576 bytes; the first 1000 are shown\]$/);
		await expect(mcp.call("local", "slow", { ms: 5000 })).rejects.toThrow(McpCallError);
		await expect(mcp.call("local", "slow", { ms: 5000 })).rejects.toThrow(/local\/slow failed: .*timed out/i);
		expect((await mcp.call("local", "add", { a: 1, b: 1 })).text).toBe("2");
	});

	it("reports a server that dies mid-call, and starts it again on the next use", async () => {
		const mcp = servers({ local: stdio });
		const [before] = await mcp.status();
		await expect(mcp.call("local", "crash", {})).rejects.toThrow(/local\/crash failed/);
		expect((await mcp.call("local", "add", { a: 4, b: 4 })).text).toBe("8");
		const [after] = await mcp.status();
		expect(after?.pid).not.toBe(before?.pid);
		expect(alive(before?.pid ?? 0)).toBe(false);
	});

	it("says why a server does not start, leaves its tools out, and refuses calls to it in one line", async () => {
		const mcp = servers({ missing: { command: join(folder, "no-such-program"), args: [] }, off: { ...stdio, disabled: true } });
		const byName = Object.fromEntries((await mcp.status()).map((s) => [s.name, s]));
		expect(byName.missing).toMatchObject({ state: "failed", error: expect.stringMatching(/ENOENT|not found|closed/i) });
		expect(byName.off).toMatchObject({ state: "disabled", tools: [] });
		expect(await mcp.tools()).toEqual([]);
		await expect(mcp.call("off", "add", {})).rejects.toThrow(/no MCP server "off" is configured and enabled/);
		await expect(mcp.call("missing", "add", {})).rejects.toThrow(/MCP server "missing" is not available/);
	});

	it("stops its stdio servers when closed", async () => {
		const mcp = new McpServers(() => ({ mcpServers: { local: stdio } }));
		const [status] = await mcp.status();
		expect(alive(status?.pid ?? 0)).toBe(true);
		await mcp.close();
		await expect.poll(() => alive(status?.pid ?? 0), { timeout: 5000 }).toBe(false);
	});
});

describe("mcp.json", () => {
	it("round-trips the apps' format and refuses what is not a server, naming the place", () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-mcp-home-"));
		expect(readMcpConfig(home)).toEqual({ mcpServers: {} });
		const config = parseMcpConfig({ mcpServers: { a: { command: "npx", args: ["-y", "x"] }, b: { url: "https://h/mcp" } } });
		writeMcpConfig(home, config);
		expect(readMcpConfig(home)).toEqual(config);
		expect(() => parseMcpConfig({ mcpServers: { a: { url: "file:///etc/passwd" } } })).toThrow(McpConfigError);
		expect(() => parseMcpConfig({ mcpServers: { a: { args: [] } } })).toThrow(/mcpServers\.a: each server is/);
		expect(() => parseMcpConfig({ mcpServers: { "a b": { command: "x" } } })).toThrow(/server names are/);
	});
});
