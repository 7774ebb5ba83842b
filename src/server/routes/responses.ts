import { Hono } from "hono";
import type { ResponsesDeleted } from "../../api/openai/ResponsesObject.js";
import { HttpError } from "../HttpError.js";
import { createResponse } from "../responses/createResponse.js";
import { toResponsesHttpError } from "../responses/toResponsesHttpError.js";
import type { ServerContext } from "../ServerContext.js";

/** OpenAI's Responses API (`/v1/responses`, `/v1/responses/{id}`): a translator around the scheduler's chat, and stored responses. */
export function responsesRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	app.post("/v1/responses", (c) =>
		createResponse(ctx, c).catch((error: unknown) => {
			throw toResponsesHttpError(error);
		}),
	);
	app.get("/v1/responses/:id", (c) => {
		if (c.req.query("stream") === "true")
			throw new HttpError(
				400,
				"Hearth answers in the foreground only: a stored response cannot be streamed again",
				"invalid_request",
				"stream",
			);
		const id = c.req.param("id");
		const stored = ctx.responses.get(id);
		if (!stored) throw notStored(id);
		return c.json(stored.response);
	});
	app.delete("/v1/responses/:id", (c) => {
		const id = c.req.param("id");
		if (!ctx.responses.delete(id)) throw notStored(id);
		const deleted: ResponsesDeleted = { id, object: "response.deleted", deleted: true };
		return c.json(deleted);
	});
	return app;
}

/** A 404 that says why there may be no such response. */
function notStored(id: string): HttpError {
	return new HttpError(
		404,
		`No stored response ${id} (responses made with store: false are not kept)`,
		"response_not_found",
		"response_id",
	);
}
