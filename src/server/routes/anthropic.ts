import { Hono } from "hono";
import type { ServerContext } from "../ServerContext.js";

/** The Anthropic Messages dialect (`/v1/messages`, `/v1/messages/count_tokens`). */
export function anthropicRoutes(_ctx: ServerContext): Hono {
	return new Hono();
}
