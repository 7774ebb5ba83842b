import { Hono } from "hono";
import { NativeChatRequest, ToolApprovalRequest } from "../../../api/native/NativeChat.js";
import { AttachmentStore } from "../../../chats/AttachmentStore.js";
import { readSetting } from "../../../config/settings.js";
import { groundDocuments } from "../../../studio/groundDocuments.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { HttpError } from "../../HttpError.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { chatEvents } from "./chatEvents.js";
import { QueuePlaces } from "./QueuePlaces.js";
import { readNativeAttachments } from "./readNativeAttachments.js";
import { sendEvents } from "./sendEvents.js";
import { ToolApprovals } from "./ToolApprovals.js";
import { toolChatEvents } from "./toolChatEvents.js";

/**
 * POST /hearth/chat: the UI's chat, as events — start (model, context, load time), a thinking
 * model's reasoning and the answer's fragments as they are generated, done with stats.
 */
export function chatRoute(ctx: ServerContext): Hono {
	const app = new Hono();
	const approvals = new ToolApprovals();
	app.post("/hearth/chat/approvals", async (c) => {
		const { approval, decision } = ToolApprovalRequest.parse(await readJson(c));
		if (!approvals.decide(approval, decision))
			throw new HttpError(404, `no tool call waits for approval ${approval}`, "approval_not_found", "approval");
		return c.json({ approval, decision });
	});
	app.post("/hearth/chat", async (c) => {
		const request = NativeChatRequest.parse(await readJson(c));
		const { model: identifier, messages, ttlSeconds, embeddingModel, mcpTools, ...sampling } = request;
		// mcp.json's servers run programs as the user: through the API only behind an API key; the
		// web UI's own requests (same-origin, which a web page elsewhere cannot claim) may use them.
		if (mcpTools && !ctx.settings.apiKeySet && c.req.header("sec-fetch-site") !== "same-origin")
			throw new HttpError(
				403,
				"MCP tools from mcp.json are offered through the API only when the server requires an API key (HEARTH_API_KEY); the web UI may use them",
				"mcp_not_allowed",
				"mcpTools",
			);
		const abort = abortOnDisconnect(c.req.raw.signal);
		const places = new QueuePlaces();
		const read = await readNativeAttachments(
			messages,
			readSetting("maxAttachmentMb", ctx.env) * 2 ** 20,
			new AttachmentStore(ctx.store.home),
		);
		const grounded = await groundDocuments(ctx.scheduler, identifier, read, {
			embeddingModel: embeddingModel ?? readSetting("embeddingModel", ctx.env),
			answerTokens: sampling.maxTokens,
			home: ctx.store.home,
			signal: abort.signal,
		});
		const tools = mcpTools ? await ctx.mcp.tools() : [];
		if (tools.length)
			return sendEvents(
				c,
				toolChatEvents(ctx, {
					identifier,
					messages: grounded.messages,
					sampling,
					ttlSeconds,
					tools,
					approvals,
					places,
					signal: abort.signal,
					sources: grounded.sources,
				}),
				abort,
			);
		const scheduled = await ctx.scheduler.chat(
			identifier,
			{ ...sampling, messages: grounded.messages },
			{ signal: abort.signal, ttlSeconds, onQueued: (position) => places.tell(position) },
		);
		return sendEvents(c, chatEvents(ctx.scheduler.engine, scheduled, places, grounded.sources), abort);
	});
	return app;
}
