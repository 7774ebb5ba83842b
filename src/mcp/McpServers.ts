import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { VERSION } from "../config/version.js";
import type { McpConfig, McpServerEntry } from "./McpConfig.js";

/** A tool one of the servers offers, as the model is shown it. */
export interface McpTool {
	server: string;
	name: string;
	description?: string;
	/** JSON Schema of its arguments. */
	inputSchema: Record<string, unknown>;
}

/** How a configured server is doing: started and listing tools, failed (and why), or disabled. */
export interface McpServerStatus {
	name: string;
	transport: "stdio" | "http";
	state: "ready" | "failed" | "disabled";
	error?: string;
	tools: { name: string; description?: string }[];
	/** The stdio server's process, while it runs. */
	pid?: number;
}

/** What a call gave back: its text (other content named, not inlined), and whether it was cut. */
export interface McpCallResult {
	text: string;
	/** The tool said it failed (its text says why). */
	isError: boolean;
	/** The result was longer than the limit and was cut; `bytes` is its whole length. */
	truncated: boolean;
	bytes: number;
}

/** A call that could not be made or did not finish: the server would not start, timed out or died. */
export class McpCallError extends Error {
	readonly code = "mcp_call_failed";
	constructor(message: string) {
		super(message);
		this.name = "McpCallError";
	}
}

export interface McpServersOptions {
	/** Starting a server and listing its tools. Default 15 s. */
	connectTimeoutMs?: number;
	/** One tool call. Default 60 s. */
	callTimeoutMs?: number;
	/** Longest result handed to the model, in UTF-8 bytes; the rest is cut and marked. Default 64 KiB. */
	maxResultBytes?: number;
	onLog?: (level: "info" | "warn", message: string) => void;
}

interface Connection {
	client: Client;
	transport: StdioClientTransport | StreamableHTTPClientTransport;
	tools: McpTool[];
	/** The last lines the stdio server wrote to stderr, for the error when it fails. */
	stderr: string[];
}

/**
 * The MCP servers of mcp.json, connected with the official SDK: each started (stdio) or reached
 * (streamable HTTP) when first needed, its tools listed, and kept until the configuration changes
 * or Hearth stops — stdio servers are child processes and are stopped with it. A server that
 * fails to start, or dies, is reported with why and started again on the next use.
 */
export class McpServers {
	private readonly connections = new Map<string, Promise<Connection>>();

	constructor(
		private readonly config: () => McpConfig,
		private readonly options: McpServersOptions = {},
	) {}

	/** Every configured server's state, starting those not started yet. */
	async status(): Promise<McpServerStatus[]> {
		const entries = Object.entries(this.config().mcpServers);
		return await Promise.all(
			entries.map(async ([name, entry]): Promise<McpServerStatus> => {
				const transport = "url" in entry ? "http" : "stdio";
				if (entry.disabled) return { name, transport, state: "disabled", tools: [] };
				try {
					const connection = await this.connect(name, entry);
					const pid = connection.transport instanceof StdioClientTransport ? connection.transport.pid : null;
					return {
						name,
						transport,
						state: "ready",
						tools: connection.tools.map(({ name, description }) => ({ name, description })),
						...(pid ? { pid } : {}),
					};
				} catch (error) {
					return { name, transport, state: "failed", error: (error as Error).message, tools: [] };
				}
			}),
		);
	}

	/** The tools of every server that is up (failed ones are left out; status() says why). */
	async tools(): Promise<McpTool[]> {
		const entries = Object.entries(this.config().mcpServers).filter(([, e]) => !e.disabled);
		const lists = await Promise.all(
			entries.map(([name, e]) =>
				this.connect(name, e).then(
					(c) => c.tools,
					() => [],
				),
			),
		);
		return lists.flat();
	}

	/** Calls a tool; faults of the server (not of the tool, which come back as isError) throw McpCallError. */
	async call(server: string, tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult> {
		const entry = this.config().mcpServers[server];
		if (!entry || entry.disabled) throw new McpCallError(`no MCP server "${server}" is configured and enabled in mcp.json`);
		const connection = await this.connect(server, entry).catch((error: Error) => {
			throw new McpCallError(`MCP server "${server}" is not available: ${error.message}`);
		});
		let result: Awaited<ReturnType<Client["callTool"]>>;
		try {
			result = await connection.client.callTool({ name: tool, arguments: args }, undefined, {
				timeout: this.options.callTimeoutMs ?? 60_000,
				signal,
			});
		} catch (error) {
			if (signal?.aborted) throw error;
			const why = (error as Error).message;
			const stderr = connection.stderr.length ? ` (its last output: ${connection.stderr.slice(-3).join(" | ")})` : "";
			throw new McpCallError(`${server}/${tool} failed: ${why}${stderr}`);
		}
		return this.shape(result);
	}

	/**
	 * A model's call: its arguments as the JSON text it wrote. Bad JSON and the server's faults come
	 * back as error results for the model to read, so a failed call never fails the chat.
	 */
	async callForModel(server: string, tool: string, json: string, signal?: AbortSignal): Promise<McpCallResult> {
		const failed = (text: string): McpCallResult => ({ text, isError: true, truncated: false, bytes: Buffer.byteLength(text) });
		let args: Record<string, unknown>;
		try {
			const parsed: unknown = JSON.parse(json || "{}");
			args = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
		} catch {
			return failed(`The arguments are not JSON: ${json.slice(0, 200)}`);
		}
		try {
			return await this.call(server, tool, args, signal);
		} catch (error) {
			if (!(error instanceof McpCallError)) throw error;
			return failed(error.message);
		}
	}

	/** Forgets every connection (stopping stdio servers): after mcp.json changed. */
	async reset(): Promise<void> {
		const all = [...this.connections.values()];
		this.connections.clear();
		await Promise.allSettled(all.map(async (c) => (await c).client.close()));
	}

	close(): Promise<void> {
		return this.reset();
	}

	private connect(name: string, entry: McpServerEntry): Promise<Connection> {
		const known = this.connections.get(name);
		if (known) return known;
		const started = this.start(name, entry);
		this.connections.set(name, started);
		// A failed start is not kept: the next use tries again.
		started.catch(() => {
			if (this.connections.get(name) === started) this.connections.delete(name);
		});
		return started;
	}

	private async start(name: string, entry: McpServerEntry): Promise<Connection> {
		const stderr: string[] = [];
		const transport =
			"url" in entry
				? new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers: entry.headers } })
				: new StdioClientTransport({
						command: entry.command,
						args: entry.args,
						env: { ...getDefaultEnvironment(), ...entry.env },
						cwd: entry.cwd,
						stderr: "pipe",
					});
		if (transport instanceof StdioClientTransport)
			transport.stderr?.on("data", (chunk: Buffer) => {
				for (const line of chunk.toString().split("\n").filter(Boolean)) stderr.push(line.slice(0, 300));
				stderr.splice(0, Math.max(0, stderr.length - 20));
			});
		const client = new Client({ name: "hearth", version: VERSION });
		const timeout = this.options.connectTimeoutMs ?? 15_000;
		try {
			await client.connect(transport, { timeout });
			const listed = await client.listTools(undefined, { timeout });
			const tools = listed.tools.map((t) => ({
				server: name,
				name: t.name,
				description: t.description,
				inputSchema: t.inputSchema as Record<string, unknown>,
			}));
			// A server that exits later is started again on its next use.
			client.onclose = () => {
				const kept = this.connections.get(name);
				void kept?.then(
					(c) => c.client === client && this.connections.get(name) === kept && this.connections.delete(name),
					() => {},
				);
			};
			this.options.onLog?.("info", `MCP server ${name}: ${tools.length} tool(s)`);
			return { client, transport, tools, stderr };
		} catch (error) {
			await client.close().catch(() => {});
			const tail = stderr.length ? ` (its last output: ${stderr.slice(-3).join(" | ")})` : "";
			throw new Error(`${(error as Error).message}${tail}`);
		}
	}

	/** A result as text for the model, cut at maxResultBytes. */
	private shape(result: Awaited<ReturnType<Client["callTool"]>>): McpCallResult {
		const content = Array.isArray(result.content) ? (result.content as { type: string; text?: string }[]) : [];
		const whole = content.map((c) => (c.type === "text" ? (c.text ?? "") : `[${c.type} content omitted]`)).join("\n");
		const bytes = Buffer.byteLength(whole);
		const limit = this.options.maxResultBytes ?? 64 * 1024;
		if (bytes <= limit) return { text: whole, isError: result.isError === true, truncated: false, bytes };
		// Cut on a character boundary: decoding the first bytes drops a split character's half.
		const cut = new TextDecoder().decode(Buffer.from(whole).subarray(0, limit)).replace(/\uFFFD$/, "");
		return {
			text: `${cut}\n[truncated: the result was ${bytes} bytes; the first ${limit} are shown]`,
			isError: result.isError === true,
			truncated: true,
			bytes,
		};
	}
}
