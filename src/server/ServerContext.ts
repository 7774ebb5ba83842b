import type { ServerSettingName } from "../api/native/NativeSettings.js";
import type { ChatStore } from "../chats/ChatStore.js";
import type { ResponseStore } from "../chats/ResponseStore.js";
import type { Scheduler } from "../engine/Scheduler.js";
import type { DownloadManager } from "../hub/DownloadManager.js";
import type { HubClient } from "../hub/HubClient.js";
import type { McpServers } from "../mcp/McpServers.js";
import type { ModelStore } from "../models/ModelStore.js";
import type { Machine } from "../studio/Machine.js";
import type { Metrics } from "./Metrics.js";
import type { ServerLog } from "./ServerLog.js";

/** What the routes work with; one instance per server. */
export interface ServerContext {
	scheduler: Scheduler;
	store: ModelStore;
	hub: HubClient;
	downloads: DownloadManager;
	/** The engine's backend and versions, and the memory free now: what fit verdicts are made against. */
	machine: () => Promise<Machine>;
	log: ServerLog;
	/** Prometheus metrics, served at /metrics. */
	metrics: Metrics;
	/** Conversations of the web UI, in $HEARTH_HOME/hearth.db. */
	chats: ChatStore;
	/** Stored responses of the Responses API (/v1/responses), in the same hearth.db. */
	responses: ResponseStore;
	/** The MCP servers of $HEARTH_HOME/mcp.json, started when first used. */
	mcp: McpServers;
	/** Marks responses (system_fingerprint) and /api/version. */
	version: string;
	/** Settings the server runs with, for the native API's status. */
	settings: {
		host: string;
		port: number;
		apiKeySet: boolean;
		corsOrigins: string[];
		parallel: number;
		maxModels: number;
		ttlSeconds: number;
	};
	/** Server settings fixed by a flag or an environment variable (its name): config.json cannot change them. */
	locks: Partial<Record<ServerSettingName, string>>;
	/** The API key in force (never sent anywhere; compared with the saved one to tell whether a restart is due). */
	apiKey?: string;
	/** The environment settings are read from (tests give their own). */
	env: NodeJS.ProcessEnv;
}
