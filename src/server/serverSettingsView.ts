import type { ServerSettingsView } from "../api/native/NativeSettings.js";
import { readSetting } from "../config/settings.js";
import type { ServerContext } from "./ServerContext.js";

/**
 * The server settings as the UI shows them: those in force, and those the next start will use —
 * config.json's, or the default, for every setting no flag or environment variable fixes.
 */
export function serverSettingsView(ctx: ServerContext, configPath: string): ServerSettingsView {
	const { host, port, apiKeySet, corsOrigins } = ctx.settings;
	const active = { host, port, apiKeySet, corsOrigins };
	const nextKey = ctx.locks.apiKey ? ctx.apiKey : readSetting("apiKey", ctx.env);
	const next = {
		host: ctx.locks.host ? host : readSetting("host", ctx.env),
		port: ctx.locks.port ? port : readSetting("port", ctx.env),
		apiKeySet: Boolean(nextKey),
		corsOrigins: ctx.locks.cors ? corsOrigins : readSetting("cors", ctx.env),
	};
	const restartRequired =
		next.host !== active.host ||
		next.port !== active.port ||
		(nextKey || undefined) !== (ctx.apiKey || undefined) ||
		next.corsOrigins.join(",") !== active.corsOrigins.join(",");
	return { active, next, lockedBy: ctx.locks, restartRequired, configPath };
}
