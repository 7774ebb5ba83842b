import { Hono } from "hono";
import {
	BranchRequest,
	ConversationExport,
	ConversationFields,
	NewMessage,
	RewriteRequest,
} from "../../../api/native/NativeChats.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";

/** Conversations of the web UI, stored in SQLite: list, search, create, rename, delete, edit, branch, export, import. */
export function conversationRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	const chats = ctx.chats;
	app.get("/hearth/chats", (c) => c.json(chats.list(c.req.query("q") || undefined)));
	app.post("/hearth/chats", async (c) => c.json(chats.create(ConversationFields.parse(await readJson(c))), 201));
	app.post("/hearth/chats/import", async (c) => c.json(chats.import(ConversationExport.parse(await readJson(c))), 201));
	app.get("/hearth/chats/:id", (c) => c.json(chats.get(c.req.param("id"))));
	app.patch("/hearth/chats/:id", async (c) =>
		c.json(chats.update(c.req.param("id"), ConversationFields.parse(await readJson(c)))),
	);
	app.delete("/hearth/chats/:id", (c) => {
		chats.delete(c.req.param("id"));
		return c.json({ deleted: c.req.param("id") });
	});
	app.post("/hearth/chats/:id/messages", async (c) =>
		c.json(chats.append(c.req.param("id"), NewMessage.parse(await readJson(c))), 201),
	);
	app.post("/hearth/chats/:id/rewrite", async (c) => {
		const { messageId, content } = RewriteRequest.parse(await readJson(c));
		return c.json(chats.rewrite(c.req.param("id"), messageId, content));
	});
	app.post("/hearth/chats/:id/branch", async (c) => {
		const { messageId } = BranchRequest.parse(await readJson(c));
		return c.json(chats.branch(c.req.param("id"), messageId), 201);
	});
	app.get("/hearth/chats/:id/export", (c) => {
		const data = chats.export(c.req.param("id"));
		c.header("Content-Disposition", `attachment; filename="${data.conversation.title.replace(/[^\w .-]/g, "_")}.json"`);
		return c.json(data);
	});
	return app;
}
