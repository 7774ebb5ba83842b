import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import type {
	ResponsesMcpApprovalRequestItem,
	ResponsesMcpCallItem,
	ResponsesMcpListToolsItem,
	ResponsesObject,
} from "../../api/openai/ResponsesObject.js";
import type { ResponsesFunctionTool, ResponsesMcpTool, ResponsesRequest } from "../../api/openai/ResponsesRequest.js";
import { readSetting } from "../../config/settings.js";
import type { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import { readMcpConfig } from "../../mcp/McpConfig.js";
import { McpServers, type McpTool } from "../../mcp/McpServers.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { HttpError } from "../HttpError.js";
import type { ServerContext } from "../ServerContext.js";
import { type ConversationSoFar, fromResponsesRequest } from "./fromResponsesRequest.js";
import { groundResponsesChat } from "./groundResponsesChat.js";
import { ResponseAssembler } from "./ResponseAssembler.js";
import { sseEvent } from "./sseEvent.js";

/** Rounds of MCP calls before the model must answer (the last offers no tools). */
const MAX_ROUNDS = 8;

const newId = (prefix: string) => `${prefix}_${randomBytes(16).toString("hex")}`;
const functionName = (label: string, tool: string) => `${label}__${tool}`.replace(/[^\w]/g, "_");

/**
 * POST /v1/responses with `mcp` tools: each server's tools listed (an mcp_list_tools item), offered
 * to the model as functions, its calls run by Hearth (mcp_call items with their output) and given
 * back until the model answers — as OpenAI's remote MCP tool does. A remote server (server_url) is
 * used only with HEARTH_ALLOW_REMOTE_MCP; one of mcp.json (server_label alone) only behind an API
 * key. A call that needs approval (require_approval's default is "always") ends the response with
 * an mcp_approval_request; the next request answers it with an mcp_approval_response (and
 * previous_response_id), and the call runs — or the model is told it was denied — before the model
 * goes on. Streamed responses send their items as they are complete, at the end.
 */
export async function mcpResponse(
	ctx: ServerContext,
	c: Context,
	body: ResponsesRequest,
	previous: ConversationSoFar | undefined,
	documents: InlinedDocuments,
): Promise<Response> {
	const given = body.tools ?? [];
	const mcpTools = given.flatMap((t) => (t.type === "mcp" ? [t] : []));
	const remote = mcpTools.filter((t) => t.server_url);
	if (remote.length && !readSetting("allowRemoteMcp", ctx.env))
		throw new HttpError(
			403,
			"Remote MCP servers are off: Hearth would connect to an address the request chose. Start it with HEARTH_ALLOW_REMOTE_MCP=1 to allow them",
			"remote_mcp_disabled",
			"tools",
		);
	const configured = readMcpConfig(ctx.store.home).mcpServers;
	for (const t of mcpTools.filter((t) => !t.server_url)) {
		if (!configured[t.server_label])
			throw new HttpError(
				400,
				`tools: no server_url, and mcp.json has no server "${t.server_label}"`,
				"invalid_request",
				"tools",
			);
		if (!ctx.settings.apiKeySet)
			throw new HttpError(
				403,
				"MCP servers of mcp.json are offered through the API only when the server requires an API key (HEARTH_API_KEY)",
				"mcp_not_allowed",
				"tools",
			);
	}
	const remotes = new McpServers(() => ({
		mcpServers: Object.fromEntries(
			remote.map((t) => [t.server_label, { url: t.server_url as string, headers: t.headers ?? undefined }]),
		),
	}));
	try {
		const listItems: ResponsesMcpListToolsItem[] = [];
		const byName = new Map<string, Offered>();
		const functions: ResponsesFunctionTool[] = [];
		for (const t of mcpTools) {
			const servers = t.server_url ? remotes : ctx.mcp;
			const status = (await servers.status()).find((s) => s.name === t.server_label);
			const allowed = Array.isArray(t.allowed_tools) ? t.allowed_tools : (t.allowed_tools?.tool_names ?? undefined);
			const tools = (await servers.tools()).filter((x) => x.server === t.server_label && (!allowed || allowed.includes(x.name)));
			listItems.push({
				id: newId("mcpl"),
				type: "mcp_list_tools",
				server_label: t.server_label,
				tools: tools.map((x) => ({
					name: x.name,
					description: x.description ?? null,
					input_schema: x.inputSchema,
					annotations: null,
				})),
				...(status?.state === "failed" ? { error: status.error ?? "the server failed" } : {}),
			});
			for (const tool of tools) {
				const name = functionName(t.server_label, tool.name);
				byName.set(name, { servers, tool, config: t });
				functions.push({ type: "function", name, description: tool.description ?? tool.name, parameters: tool.inputSchema });
			}
		}
		const request = fromResponsesRequest(
			{ ...body, tools: [...given.filter((t) => t.type === "function"), ...functions] },
			previous,
		);
		// The response repeats the tools as asked: the MCP ones as given, without their headers.
		request.echo.tools = given.map((t) =>
			t.type === "mcp"
				? { ...withoutHeaders(t), type: "mcp" as const, server_label: t.server_label }
				: {
						type: "function" as const,
						description: t.description ?? null,
						name: t.name,
						parameters: t.parameters ?? null,
						strict: t.strict ?? true,
					},
		);
		const abort = abortOnDisconnect(c.req.raw.signal);
		request.chat.messages = (await groundResponsesChat(ctx, request, documents, abort.signal)).messages;
		const calls: ResponsesMcpCallItem[] = [];
		const pending: ResponsesMcpApprovalRequestItem[] = [];
		const chat = { ...request.chat, messages: [...request.chat.messages] };
		// Calls an earlier response asked approval for, answered in this input: run, or refused.
		const asked = [...(previous?.output ?? []), ...(body.input ?? [])].flatMap((i) =>
			i.type === "mcp_approval_request" ? [i] : [],
		);
		for (const [n, answer] of (body.input ?? []).entries()) {
			if (answer.type !== "mcp_approval_response") continue;
			const ask = asked.find((a) => a.id === answer.approval_request_id);
			const offered = ask && byName.get(functionName(ask.server_label, ask.name));
			if (!ask || !offered)
				throw new HttpError(
					400,
					`input.${n}: ${ask ? `the tool ${ask.server_label}/${ask.name} is not among this request's mcp tools; send them again` : `no mcp_approval_request ${answer.approval_request_id} to answer`}`,
					"invalid_request",
					`input.${n}.approval_request_id`,
				);
			const call = { id: ask.id, name: functionName(ask.server_label, ask.name), arguments: ask.arguments };
			chat.messages.push({ role: "assistant", content: "", toolCalls: [call] });
			if (!answer.approve) {
				chat.messages.push({ role: "tool", toolCallId: ask.id, content: "The user denied this call." });
				continue;
			}
			const item = { ...(await run(offered.servers, offered.tool, ask.arguments, abort.signal)), approval_request_id: ask.id };
			calls.push(item);
			chat.messages.push({ role: "tool", toolCallId: ask.id, content: item.output ?? item.error ?? "" });
		}
		let final: ResponseAssembler | undefined;
		for (let round = 0; !final; round++) {
			const last = round === MAX_ROUNDS;
			const { model, generation } = await ctx.scheduler.chat(
				request.model,
				last ? { ...chat, tools: undefined, toolChoice: undefined } : chat,
				{ signal: abort.signal, ttlSeconds: request.ttlSeconds },
			);
			const assembler = new ResponseAssembler({
				id: `resp_${randomBytes(24).toString("hex")}`,
				createdAt: Math.floor(Date.now() / 1000),
				model: model.id,
				echo: request.echo,
			});
			for await (const chunk of generation.chunks()) assembler.push(chunk);
			const result = await generation;
			assembler.finish(result);
			const made = result.toolCalls ?? [];
			// The model's own answer, or calls of the caller's functions, which the caller runs.
			if (made.length === 0 || made.some((call) => !byName.has(call.name)) || last) {
				final = assembler;
				break;
			}
			const runNow = made.filter((call) => !needsApproval(byName.get(call.name) as Offered));
			// Calls that need the user's word end the response with their requests; the rest run first.
			for (const call of made.filter((c) => !runNow.includes(c))) {
				const { config, tool } = byName.get(call.name) as Offered;
				pending.push({
					id: newId("mcpr"),
					type: "mcp_approval_request",
					server_label: config.server_label,
					name: tool.name,
					arguments: call.arguments,
				});
			}
			if (runNow.length) chat.messages.push({ role: "assistant", content: result.text, toolCalls: runNow });
			for (const call of runNow) {
				const { servers, tool } = byName.get(call.name) as Offered;
				const item = await run(servers, tool, call.arguments, abort.signal);
				// Kept in the response's output, which a continuation reads after its conversation.
				calls.push(item);
				chat.messages.push({ role: "tool", toolCallId: call.id, content: item.output ?? item.error ?? "" });
			}
			// A forced call is made once; then the model may answer.
			chat.toolChoice = undefined;
			if (pending.length) final = assembler;
		}
		const whole = final.response;
		const response: ResponsesObject = {
			...whole,
			output: [...listItems, ...calls, ...(pending.length ? pending : whole.output)],
		};
		if (request.echo.store) ctx.responses.save({ response, conversation: request.conversation });
		if (!request.stream) return c.json(response);
		// The items as complete events, in order, between the lifecycle events.
		let sequence = 0;
		const events = [
			{
				type: "response.created",
				sequence_number: sequence++,
				response: { ...response, status: "in_progress", output: [], usage: null },
			},
			...response.output.flatMap((item, output_index) => [
				{ type: "response.output_item.added", sequence_number: sequence++, output_index, item },
				{ type: "response.output_item.done", sequence_number: sequence++, output_index, item },
			]),
			{
				type: response.status === "incomplete" ? "response.incomplete" : "response.completed",
				sequence_number: sequence++,
				response,
			},
		];
		return c.body(events.map((e) => sseEvent(e as Parameters<typeof sseEvent>[0])).join(""), 200, {
			"content-type": "text/event-stream",
			"cache-control": "no-cache",
		});
	} finally {
		await remotes.close();
	}
}

/** An MCP tool as offered to the model: its server, and the request's tool entry it came from. */
interface Offered {
	servers: McpServers;
	tool: McpTool;
	config: ResponsesMcpTool;
}

/** Whether a call must wait for the user: OpenAI's default, "always", unless the entry says otherwise. */
function needsApproval({ config, tool }: Offered): boolean {
	const name = tool.name;
	const rule = config.require_approval ?? "always";
	if (rule === "never") return false;
	if (rule === "always") return true;
	if (rule.always?.tool_names?.includes(name)) return true;
	return !rule.never?.tool_names?.includes(name);
}

function withoutHeaders(tool: ResponsesMcpTool): Omit<ResponsesMcpTool, "headers"> {
	const { headers: _, ...rest } = tool;
	return rest;
}

/** One call on its server, as an mcp_call item: its output, or why it failed (the model reads either). */
async function run(servers: McpServers, tool: McpTool, json: string, signal: AbortSignal): Promise<ResponsesMcpCallItem> {
	const item = { id: newId("mcp"), type: "mcp_call" as const, server_label: tool.server, name: tool.name, arguments: json };
	const result = await servers.callForModel(tool.server, tool.name, json, signal);
	return result.isError ? { ...item, output: null, error: result.text } : { ...item, output: result.text, error: null };
}
