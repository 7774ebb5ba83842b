import { Hono } from "hono";
import { parseMcpConfig, readMcpConfig, writeMcpConfig } from "../../../mcp/McpConfig.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";

/**
 * MCP servers (`$HEARTH_HOME/mcp.json`): `GET /hearth/mcp` says each one's state — started and
 * its tools, failed and why, or disabled — starting those not started yet; `PUT /hearth/mcp` saves
 * a new mcp.json (checked first: a bad one is 400 and the old file stays) and restarts the servers.
 */
export function mcpRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	app.get("/hearth/mcp", async (c) => c.json({ config: readMcpConfig(ctx.store.home), servers: await ctx.mcp.status() }));
	app.put("/hearth/mcp", async (c) => {
		const config = parseMcpConfig(await readJson(c));
		writeMcpConfig(ctx.store.home, config);
		await ctx.mcp.reset();
		return c.json({ config, servers: await ctx.mcp.status() });
	});
	return app;
}
