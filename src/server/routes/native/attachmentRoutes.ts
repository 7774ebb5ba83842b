import { Hono } from "hono";
import type { AttachmentRef } from "../../../api/native/NativeChats.js";
import { AttachmentStore } from "../../../chats/AttachmentStore.js";
import { readSetting } from "../../../config/settings.js";
import { documentBlock } from "../../../documents/documentBlock.js";
import { readDocument } from "../../../documents/readDocument.js";
import { HttpError } from "../../HttpError.js";
import type { ServerContext } from "../../ServerContext.js";

/**
 * Files for the UI's chat: `POST /hearth/attachments?name=…[&model=…]` with the file as the body
 * reads it as a chat would (a file that cannot be read is refused here, before anything is kept),
 * keeps it by hash and says its size, pages and — with a model — its length in that model's
 * tokens; messages then name it by hash. `GET /hearth/attachments/{hash}` gives the bytes back.
 */
export function attachmentRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	app.post("/hearth/attachments", async (c) => {
		const name = c.req.query("name")?.trim();
		if (!name || name.length > 500)
			throw new HttpError(400, "name the file: POST /hearth/attachments?name=<file name>", "invalid_request", "name");
		const type = c.req.header("content-type")?.split(";")[0]?.trim();
		const mime = type && type !== "application/octet-stream" ? type : undefined;
		const bytes = new Uint8Array(await c.req.arrayBuffer());
		const { document } = await readDocument({ name, bytes, mime }, readSetting("maxAttachmentMb", ctx.env) * 2 ** 20);
		const model = c.req.query("model");
		const tokens = model
			? await ctx.scheduler.use(model, {}, (m) => ctx.scheduler.engine.countTokens(m.id, documentBlock(document)))
			: undefined;
		const hash = new AttachmentStore(ctx.store.home).put(bytes);
		const ref: AttachmentRef = {
			name,
			...(mime ? { mime } : {}),
			size: bytes.byteLength,
			hash,
			...(tokens === undefined ? {} : { tokens }),
			...(document.pages === undefined ? {} : { pages: document.pages }),
		};
		return c.json(ref, 201);
	});
	app.get("/hearth/attachments/:hash", (c) => {
		const bytes = new AttachmentStore(ctx.store.home).get(c.req.param("hash"));
		if (!bytes) throw new HttpError(404, `no attachment is kept with hash ${c.req.param("hash")}`, "attachment_not_found");
		return c.body(new Uint8Array(bytes), 200, { "content-type": "application/octet-stream" });
	});
	return app;
}
