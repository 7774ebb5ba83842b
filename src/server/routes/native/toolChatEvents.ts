import type { DocumentSource, NativeChatEvent, NativeChatRequest } from "../../../api/native/NativeChat.js";
import type { ChatMessage, ToolDefinition } from "../../../engine/Engine.js";
import type { McpTool } from "../../../mcp/McpServers.js";
import type { ServerContext } from "../../ServerContext.js";
import { chatEvents } from "./chatEvents.js";
import type { QueuePlaces } from "./QueuePlaces.js";
import type { ToolApprovals } from "./ToolApprovals.js";

/** Tool rounds before the model must answer in words (the last round offers no tools). */
const MAX_ROUNDS = 8;

type Sampling = Omit<NativeChatRequest, "model" | "messages" | "ttlSeconds" | "embeddingModel" | "mcpTools">;

export interface ToolChat {
	identifier: string;
	messages: ChatMessage[];
	sampling: Sampling;
	ttlSeconds?: number;
	tools: McpTool[];
	approvals: ToolApprovals;
	places: QueuePlaces;
	signal: AbortSignal;
	/** Attachments' passages the prompt holds, for the final answer's done event. */
	sources: DocumentSource[];
}

/**
 * A native chat whose model may call MCP tools: each round's text streams as usual; a call is
 * announced (tool_call), waits for the user's approval unless its tool is allowed always, runs on
 * its MCP server and its result (tool_result) goes back to the model, which goes on until it
 * answers without a call — at most 8 rounds, the last with no tools offered.
 */
export async function* toolChatEvents(ctx: ServerContext, chat: ToolChat): AsyncGenerator<NativeChatEvent> {
	// Function names the model can write: the server and tool, with anything else made "_".
	const byName = new Map<string, McpTool>();
	const definitions: ToolDefinition[] = chat.tools.map((tool) => {
		const name = `${tool.server}__${tool.name}`.replace(/[^\w]/g, "_");
		byName.set(name, tool);
		const description = `${tool.description ?? tool.name} (tool of the MCP server ${tool.server})`;
		return { name, description, parameters: tool.inputSchema };
	});
	const conversation = [...chat.messages];
	for (let round = 0; ; round++) {
		const last = round === MAX_ROUNDS;
		const scheduled = await ctx.scheduler.chat(
			chat.identifier,
			{ ...chat.sampling, messages: conversation, tools: definitions, toolChoice: last ? "none" : "auto" },
			{ signal: chat.signal, ttlSeconds: chat.ttlSeconds, onQueued: (position) => chat.places.tell(position) },
		);
		let done: NativeChatEvent | undefined;
		for await (const event of chatEvents(ctx.scheduler.engine, scheduled, chat.places, chat.sources)) {
			if (event.type === "start" && round > 0) continue;
			if (event.type === "done") done = event;
			else yield event;
		}
		const result = await scheduled.generation;
		if (!result.toolCalls?.length || last) {
			if (done) yield done;
			return;
		}
		conversation.push({ role: "assistant", content: result.text, toolCalls: result.toolCalls });
		for (const call of result.toolCalls) {
			const tool = byName.get(call.name);
			if (!tool) {
				const text = `There is no tool ${call.name}.`;
				yield { type: "tool_result", id: call.id, text, isError: true, truncated: false, denied: false };
				conversation.push({ role: "tool", toolCallId: call.id, content: text });
				continue;
			}
			let approval: { id: string; decision: Promise<string> } | undefined;
			if (!chat.approvals.isAlwaysAllowed(tool.server, tool.name))
				approval = chat.approvals.ask(tool.server, tool.name, chat.signal);
			yield {
				type: "tool_call",
				id: call.id,
				server: tool.server,
				tool: tool.name,
				arguments: call.arguments,
				...(approval ? { approval: approval.id } : {}),
			};
			const decision = approval ? await approval.decision : "always";
			chat.signal.throwIfAborted();
			const outcome =
				decision === "deny"
					? { text: "The user denied this call.", isError: true, truncated: false, denied: true }
					: { ...(await ctx.mcp.callForModel(tool.server, tool.name, call.arguments, chat.signal)), denied: false };
			yield { type: "tool_result", id: call.id, ...outcome };
			conversation.push({ role: "tool", toolCallId: call.id, content: outcome.text });
		}
	}
}
