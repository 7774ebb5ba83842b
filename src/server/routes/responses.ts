import { Hono } from "hono";
import type { ServerContext } from "../ServerContext.js";

/** OpenAI's Responses API (`/v1/responses`, `/v1/responses/{id}`). */
export function responsesRoutes(_ctx: ServerContext): Hono {
	return new Hono();
}
