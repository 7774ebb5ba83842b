import { z } from "zod";

/** An MCP server of mcp.json as GET /hearth/mcp reports it. */
export const McpServerView = z.object({
	name: z.string(),
	transport: z.enum(["stdio", "http"]),
	state: z.enum(["ready", "failed", "disabled"]),
	error: z.string().optional(),
	tools: z.array(z.object({ name: z.string(), description: z.string().optional() })),
	pid: z.number().optional(),
});
export type McpServerView = z.infer<typeof McpServerView>;

/** GET and PUT /hearth/mcp: mcp.json as saved, and each server's state. */
export const McpView = z.object({
	config: z.looseObject({ mcpServers: z.record(z.string(), z.unknown()) }),
	servers: z.array(McpServerView),
});
export type McpView = z.infer<typeof McpView>;
