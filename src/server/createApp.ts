import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { anthropicErrorResponse } from "./anthropic/anthropicError.js";
import { HttpError } from "./HttpError.js";
import { openAIErrorResponse } from "./openai/openAIFrames.js";
import { anthropicRoutes } from "./routes/anthropic.js";
import { lmStudioRoutes } from "./routes/lmstudio.js";
import { attachmentRoutes } from "./routes/native/attachmentRoutes.js";
import { chatRoute } from "./routes/native/chatRoute.js";
import { compareRoute } from "./routes/native/compareRoute.js";
import { conversationRoutes } from "./routes/native/conversationRoutes.js";
import { downloadRoutes } from "./routes/native/downloadRoutes.js";
import { hubRoutes } from "./routes/native/hubRoutes.js";
import { mcpRoutes } from "./routes/native/mcpRoutes.js";
import { measureRoutes } from "./routes/native/measureRoutes.js";
import { modelRoutes } from "./routes/native/modelRoutes.js";
import { settingsRoutes } from "./routes/native/settingsRoutes.js";
import { systemRoutes } from "./routes/native/systemRoutes.js";
import { ollamaRoutes } from "./routes/ollama.js";
import { openAIRoutes } from "./routes/openai.js";
import { rerankRoutes } from "./routes/rerank.js";
import { responsesRoutes } from "./routes/responses.js";
import { webUiRoutes } from "./routes/webUi.js";
import type { ServerContext } from "./ServerContext.js";
import type { ServerLog } from "./ServerLog.js";
import { type SecurityOptions, securityGate } from "./securityGate.js";
import { toHttpError } from "./toHttpError.js";

export interface AppOptions {
	security: Omit<SecurityOptions, "openPaths">;
	maxBodyBytes: number;
	log: ServerLog;
}

/**
 * Each dialect's error shape, chosen by path: Anthropic's under /v1/messages, Ollama's
 * `{"error": "…"}` under /api, OpenAI's elsewhere.
 */
export function errorResponseFor(path: string, error: HttpError): Response {
	if (path === "/v1/messages" || path.startsWith("/v1/messages/")) return anthropicErrorResponse(error);
	if (path.startsWith("/api/") && !path.startsWith("/api/v0/"))
		return Response.json({ error: error.message }, { status: error.status, headers: error.headers });
	return openAIErrorResponse(error);
}

/** Paths the API key guards: every dialect's (llama-server's rerank paths among them) and /metrics. The UI's files and /health are public. */
function isApiPath(path: string): boolean {
	return /^\/(v1|api|hearth|rerank|reranking|metrics)(\/|$)/.test(path);
}

/** The HTTP app: the gate, then the routes of every dialect, on one port. */
export function createApp(ctx: ServerContext, options: AppOptions): Hono {
	const app = new Hono();
	app.onError((error, c) => {
		const http = toHttpError(error);
		if (http.status >= 500) options.log.write("error", "http", `${c.req.method} ${c.req.path}: ${http.message}`);
		return errorResponseFor(c.req.path, http);
	});
	app.notFound((c) => errorResponseFor(c.req.path, new HttpError(404, `No route ${c.req.method} ${c.req.path}`, "not_found")));
	// First, so requests the gate or the body limit refuse are counted too.
	app.use(ctx.metrics.middleware());
	app.use(
		bodyLimit({
			maxSize: options.maxBodyBytes,
			onError: (c) =>
				errorResponseFor(
					c.req.path,
					new HttpError(
						413,
						`The request body is larger than ${options.maxBodyBytes} bytes (HEARTH_MAX_BODY_MB)`,
						"body_too_large",
					),
				),
		}),
	);
	// The UI's files are public; what it does goes through the API, which the key guards.
	app.use(securityGate({ ...options.security, openPaths: (path) => path === "/health" || !isApiPath(path) }));

	app.get("/health", (c) => c.json({ status: "ok" }));
	app.get("/metrics", async (c) => {
		const { text, contentType } = await ctx.metrics.exposition();
		return c.body(text, 200, { "content-type": contentType });
	});
	// The dialects other programs speak, each a translator around the same scheduler call.
	// Before OpenAI's, whose catch-all answers every other /v1 path with 404.
	app.route("/", anthropicRoutes(ctx));
	app.route("/", responsesRoutes(ctx));
	app.route("/", rerankRoutes(ctx));
	app.route("/", openAIRoutes(ctx));
	app.route("/", lmStudioRoutes(ctx));
	app.route("/", ollamaRoutes(ctx));
	// The native API (/hearth/*) that the CLI and the web UI use, one module per resource.
	app.route(
		"/",
		systemRoutes(ctx, () => `http://${options.security.host}:${options.security.port}`),
	);
	app.route("/", settingsRoutes(ctx));
	app.route("/", modelRoutes(ctx));
	app.route("/", hubRoutes(ctx));
	app.route("/", downloadRoutes(ctx));
	app.route("/", chatRoute(ctx));
	app.route("/", compareRoute(ctx));
	app.route("/", measureRoutes(ctx));
	app.route("/", conversationRoutes(ctx));
	app.route("/", attachmentRoutes(ctx));
	app.route("/", mcpRoutes(ctx));
	app.route("/", webUiRoutes());
	return app;
}
