import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAlive } from "../fixtures/isAlive.js";
import { testMcpStdio } from "../fixtures/mcp/testMcpCommand.js";
import { startFakeServer } from "../fixtures/startFakeServer.js";

const alive = isAlive;

// mcp.json through the native API, with a real stdio MCP server written for the tests.
describe("/hearth/mcp", () => {
	it("saves mcp.json, starts its servers and lists their tools; refuses a bad one; stops them with the server", async () => {
		const server = await startFakeServer();
		const put = (body: unknown) =>
			fetch(`${server.url}/hearth/mcp`, {
				method: "PUT",
				headers: { "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		const config = { mcpServers: { tools: testMcpStdio() } };
		const saved = await put(config);
		expect(saved.status).toBe(200);
		const path = join(server.env.HEARTH_HOME as string, "mcp.json");
		expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(config);

		const { servers } = (await (await fetch(`${server.url}/hearth/mcp`)).json()) as {
			servers: { name: string; state: string; pid?: number; tools: { name: string }[] }[];
		};
		expect(servers).toHaveLength(1);
		expect(servers[0]).toMatchObject({ name: "tools", transport: "stdio", state: "ready" });
		expect(servers[0]?.tools.map((t) => t.name)).toContain("add");
		const pid = servers[0]?.pid ?? 0;
		expect(alive(pid)).toBe(true);

		const bad = await put({ mcpServers: { tools: { url: "ftp://example.com" } } });
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_mcp_config");
		expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(config);

		await server.close();
		await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
	});
});
