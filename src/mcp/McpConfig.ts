import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** A server Hearth starts and talks to over its stdin and stdout. */
export const StdioMcpServer = z.strictObject({
	command: z.string().min(1),
	args: z.array(z.string()).default([]),
	env: z.record(z.string(), z.string()).optional(),
	cwd: z.string().optional(),
	/** Kept in the file but not started. */
	disabled: z.boolean().optional(),
});

/** A server reached over MCP's streamable HTTP. */
export const HttpMcpServer = z.strictObject({
	url: z.url({ protocol: /^https?$/, error: "url must be an http(s) URL" }),
	headers: z.record(z.string(), z.string()).optional(),
	disabled: z.boolean().optional(),
});

export const McpServerEntry = z.union([StdioMcpServer, HttpMcpServer], {
	error: 'each server is {"command", "args"?, "env"?, "cwd"?} (stdio) or {"url", "headers"?} (streamable HTTP)',
});
export type McpServerEntry = z.infer<typeof McpServerEntry>;

/**
 * `$HEARTH_HOME/mcp.json`, in the format LM Studio, Claude Desktop and other apps use:
 * `{"mcpServers": {"<name>": {"command", "args", "env"} | {"url", "headers"}}}`. Unknown top-level
 * keys are kept.
 */
export const McpConfig = z.looseObject({
	mcpServers: z
		.record(
			z
				.string()
				.min(1)
				.max(64)
				.regex(/^[\w.-]+$/, "server names are letters, digits, '_', '-' and '.'"),
			McpServerEntry,
		)
		.default({}),
});
export type McpConfig = z.infer<typeof McpConfig>;

/** mcp.json cannot be read: its path and what is wrong, in one line. */
export class McpConfigError extends Error {
	readonly code = "invalid_mcp_config";
	constructor(message: string) {
		super(message);
		this.name = "McpConfigError";
	}
}

export const mcpConfigPath = (home: string) => join(home, "mcp.json");

/** Reads mcp.json; a missing file is no servers, a broken one a McpConfigError naming the file. */
export function readMcpConfig(home: string): McpConfig {
	const path = mcpConfigPath(home);
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch {
		return { mcpServers: {} };
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new McpConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
	}
	return parseMcpConfig(json, path);
}

/** Checks a configuration (from the file, or from the UI before it is saved). */
export function parseMcpConfig(json: unknown, where = "mcp.json"): McpConfig {
	const parsed = McpConfig.safeParse(json);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	// A bad server name is an issue about a record key, whose own issue says what is wrong.
	const inner = issue && "issues" in issue && Array.isArray(issue.issues) ? (issue.issues[0] as { message?: string }) : undefined;
	throw new McpConfigError(`${where}: ${issue?.path.join(".") || "(top)"}: ${inner?.message ?? issue?.message ?? "invalid"}`);
}

/** Writes mcp.json whole: aside, then renamed over the old one, so a crash never leaves half a file. */
export function writeMcpConfig(home: string, config: McpConfig): void {
	mkdirSync(home, { recursive: true });
	const path = mcpConfigPath(home);
	const partial = `${path}.${process.pid}.part`;
	writeFileSync(partial, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
	renameSync(partial, path);
}
