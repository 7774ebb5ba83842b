import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { ChatStore } from "../chats/ChatStore.js";
import { ResponseStore } from "../chats/ResponseStore.js";
import { readConfigFile } from "../config/readConfigFile.js";
import { readSetting } from "../config/settings.js";
import { VERSION } from "../config/version.js";
import type { Engine, EngineInfo } from "../engine/Engine.js";
import { LlamaCppEngine } from "../engine/llama/LlamaCppEngine.js";
import { Scheduler } from "../engine/Scheduler.js";
import { DownloadManager } from "../hub/DownloadManager.js";
import { HubClient } from "../hub/HubClient.js";
import { readMcpConfig } from "../mcp/McpConfig.js";
import { McpServers } from "../mcp/McpServers.js";
import { ModelStore } from "../models/ModelStore.js";
import { saveEngineInfo } from "../studio/cachedEngineInfo.js";
import { describeMachine } from "../studio/Machine.js";
import { withoutUndefined } from "../util/withoutUndefined.js";
import { claimHome } from "./claimHome.js";
import { createApp } from "./createApp.js";
import { Metrics } from "./Metrics.js";
import { ServerLog } from "./ServerLog.js";
import { isLoopback } from "./securityGate.js";

export interface ServerOptions {
	host?: string;
	port?: number;
	apiKey?: string;
	corsOrigins?: string[];
	/** Where startup lines go. Default: stdout. */
	print?: (line: string) => void;
	/** Settings are read from here. Default: process.env. */
	env?: NodeJS.ProcessEnv;
	/**
	 * What runs the models. Default: llama.cpp, a runner process per model. Tests give a FakeEngine;
	 * the server disposes of whichever engine it runs on when it closes.
	 */
	engine?: Engine;
}

export interface RunningServer {
	url: string;
	/** Stops accepting, lets in-flight requests finish for the grace period, then stops them and unloads every model. */
	close(): Promise<void>;
}

export { VERSION };

/** `hearth serve`: the web UI and every API on one port, 127.0.0.1:1234 by default. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
	const env = options.env ?? process.env;
	const setting = <N extends Parameters<typeof readSetting>[0]>(name: N) => readSetting(name, env);
	const host = options.host ?? setting("host");
	const port = options.port ?? setting("port");
	const apiKey = options.apiKey ?? setting("apiKey");
	const corsOrigins = options.corsOrigins ?? setting("cors");
	const locked = (flag: string, variable: string, given: unknown) =>
		given !== undefined ? flag : env[variable] ? variable : undefined;
	const locks = withoutUndefined({
		host: locked("--host", "HEARTH_HOST", options.host),
		port: locked("--port", "HEARTH_PORT", options.port),
		apiKey: locked("--api-key", "HEARTH_API_KEY", options.apiKey),
		cors: locked("--cors", "HEARTH_CORS", options.corsOrigins),
	});
	const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
	const log = new ServerLog(setting("logLevel"));
	const engine =
		options.engine ??
		new LlamaCppEngine({
			home: readSetting("home", env),
			logLevel: setting("logLevel"),
			contextLength: setting("contextLength"),
			threads: setting("threads"),
			gpu: setting("gpu"),
			kvCache: { ramMb: setting("kvCacheRamMb"), diskMb: setting("kvCacheDiskMb") },
			promptLookup: setting("promptLookup"),
			// The server's settings, not this process's: a test's (or embedder's) env must reach the probe choice.
			flashAttention: setting("flashAttention"),
			onLog: (level, message, modelId) => log.write(level, modelId, message),
		});
	const store = new ModelStore(env);
	mkdirSync(store.home, { recursive: true });
	const claim = claimHome(store.home);
	const chats = new ChatStore(join(store.home, "hearth.db"));
	const responses = new ResponseStore(join(store.home, "hearth.db"));
	const hub = new HubClient({
		endpoint: setting("hfEndpoint"),
		token: setting("hfToken"),
		contextLength: setting("contextLength"),
	});
	// Probed on first use, not at start: finding the GPU loads llama.cpp's binding into this process,
	// which a server that is only asked to chat never needs. The CLI's listings reuse what it found.
	let described: Promise<EngineInfo> | undefined;
	const machine = () =>
		describeMachine({
			describe: () =>
				(described ??= engine.describe().then((info) => {
					saveEngineInfo(store.home, setting("gpu"), info);
					return info;
				})),
		});
	const scheduler = new Scheduler(engine, (identifier) => store.resolve(identifier), {
		ttlSeconds: setting("ttlSeconds"),
		maxLoadedModels: setting("maxModels"),
		parallel: setting("parallel"),
		queueLimit: setting("queue"),
		onEvent: (message) => log.write("info", "scheduler", message),
		onGenerated: (id, stats) => metrics?.observeGeneration(id, stats),
		loadDefaults: (key) => readConfigFile(store.home).modelDefaults?.[key],
	});
	engine.onUnload(
		(id, reason) => reason === "crashed" && log.write("error", "server", `the runner of ${id} died; the model was unloaded`),
	);
	let app: ReturnType<typeof createApp> | undefined;
	let metrics: Metrics | undefined;
	let inFlight = 0;
	let idle: (() => void) | undefined;
	const server = serve({
		fetch: async (request) => {
			inFlight++;
			let counted = true;
			const done = () => {
				if (!counted) return;
				counted = false;
				inFlight--;
				if (inFlight === 0) idle?.();
			};
			try {
				if (!app) {
					done();
					return new Response("starting", { status: 503 });
				}
				const response = await app.fetch(request);
				if (!response.body) {
					done();
					return response;
				}
				// A streamed answer is in flight until its body ends, not when its headers are sent.
				const reader = response.body.getReader();
				const body = new ReadableStream<Uint8Array>({
					async pull(controller) {
						const next = await reader.read().catch((error: unknown) => {
							done();
							throw error;
						});
						if (next.done) {
							done();
							controller.close();
						} else controller.enqueue(next.value);
					},
					cancel(reason) {
						done();
						return reader.cancel(reason);
					},
				});
				return new Response(body, response);
			} catch (error) {
				done();
				throw error;
			}
		},
		hostname: host,
		port,
	}) as Server;
	await new Promise<void>((resolve, reject) => {
		server.once("listening", resolve);
		server.once("error", (error: NodeJS.ErrnoException) =>
			reject(
				error.code === "EADDRINUSE"
					? new Error(`Port ${port} is in use: is Hearth (or LM Studio) already running? Use --port`)
					: error,
			),
		);
	}).catch((error: unknown) => {
		chats.close();
		responses.close();
		claim.release();
		throw error;
	});
	const actualPort = (server.address() as AddressInfo).port;
	// Created once the port is known (it may have been 0): the Host check compares against it.
	const downloads = new DownloadManager(hub, store.modelsDir, { stallSeconds: setting("downloadStallSeconds") });
	metrics = new Metrics(scheduler, downloads);
	// Read again at each first use, so an edit of mcp.json applies once its servers are reset.
	const mcp = new McpServers(() => readMcpConfig(store.home), { onLog: (level, message) => log.write(level, "mcp", message) });
	app = createApp(
		{
			scheduler,
			store,
			hub,
			downloads,
			machine,
			log,
			metrics,
			chats,
			responses,
			mcp,
			version: `hearth-${VERSION}`,
			settings: {
				host,
				port: actualPort,
				apiKeySet: Boolean(apiKey),
				corsOrigins,
				parallel: setting("parallel"),
				maxModels: setting("maxModels"),
				ttlSeconds: setting("ttlSeconds"),
			},
			locks,
			apiKey,
			env,
		},
		{
			security: { host, port: actualPort, apiKey, corsOrigins, allowedHosts: setting("allowedHosts") },
			maxBodyBytes: setting("maxBodyMb") * 2 ** 20,
			log,
		},
	);

	const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
	const url = `http://${shown.includes(":") ? `[${shown}]` : shown}:${actualPort}`;
	claim.setUrl(url);
	print(`Hearth ${VERSION} is serving on ${url}`);
	print(`  web UI:    ${url}/`);
	print(`  OpenAI:    ${url}/v1  (models, chat/completions, completions, embeddings, responses)`);
	print(`  Anthropic: ${url}/v1  (messages, messages/count_tokens)`);
	print(`  Ollama:    ${url}/api (chat, generate, tags, ps, show, pull, delete, embed, embeddings, version)`);
	print(`  LM Studio: ${url}/api/v0 (models, chat/completions, completions, embeddings)`);
	print(
		`  settings:  models in ${store.modelsDir}; ${setting("maxModels")} model(s) at once, ${setting("parallel")} requests each, idle unload after ${setting("ttlSeconds")} s`,
	);
	print(
		`  security:  ${apiKey ? "API key required" : "no API key"}; CORS ${corsOrigins.length ? corsOrigins.join(", ") : "off"}`,
	);
	if (!isLoopback(host))
		print(
			`warning: serving on the network (${host})${apiKey ? "" : " WITHOUT an API key: anyone who can reach this machine can use it; set HEARTH_API_KEY"}`,
		);

	let closing: Promise<void> | undefined;
	return {
		url,
		close: () => {
			closing ??= (async () => {
				server.close();
				server.closeIdleConnections();
				const grace = setting("shutdownGraceSeconds") * 1000;
				if (inFlight > 0)
					await new Promise<void>((resolve) => {
						idle = resolve;
						setTimeout(resolve, grace).unref();
					});
				// Whatever still runs is stopped with its model; MCP servers' processes with the server.
				await Promise.all([engine.dispose(), mcp.close()]);
				chats.close();
				responses.close();
				claim.release();
				server.closeAllConnections();
			})();
			return closing;
		},
	};
}
