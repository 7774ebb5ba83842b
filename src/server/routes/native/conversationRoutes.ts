import { createHash } from "node:crypto";
import { Hono } from "hono";
import {
	BranchRequest,
	ConversationExport,
	ConversationFields,
	NewMessage,
	RewriteRequest,
} from "../../../api/native/NativeChats.js";
import { AttachmentStore } from "../../../chats/AttachmentStore.js";
import { HttpError } from "../../HttpError.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";

/** Conversations of the web UI, stored in SQLite: list, search, create, rename, delete, edit, branch, export, import. */
export function conversationRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	const chats = ctx.chats;
	app.get("/hearth/chats", (c) => c.json(chats.list(c.req.query("q") || undefined)));
	app.post("/hearth/chats", async (c) => c.json(chats.create(ConversationFields.parse(await readJson(c))), 201));
	app.post("/hearth/chats/import", async (c) => {
		const data = ConversationExport.parse(await readJson(c));
		// The files first, each checked against its hash: a chat is imported with all of them or not at all.
		const files = Object.entries(data.files ?? {}).map(([hash, base64]) => {
			const bytes = Buffer.from(base64, "base64");
			if (createHash("sha256").update(bytes).digest("hex") !== hash)
				throw new HttpError(400, `files.${hash}: its bytes do not have that SHA-256`, "invalid_request", `files.${hash}`);
			return bytes;
		});
		const kept = new AttachmentStore(ctx.store.home);
		for (const bytes of files) kept.put(bytes);
		return c.json(chats.import(data), 201);
	});
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
		const kept = new AttachmentStore(ctx.store.home);
		const data = chats.export(c.req.param("id"));
		const files: Record<string, string> = {};
		for (const a of data.messages.flatMap((m) => m.attachments ?? [])) {
			const bytes = kept.get(a.hash);
			if (bytes) files[a.hash] = bytes.toString("base64");
		}
		if (Object.keys(files).length) data.files = files;
		c.header("Content-Disposition", `attachment; filename="${data.conversation.title.replace(/[^\w .-]/g, "_")}.json"`);
		return c.json(data);
	});
	return app;
}
