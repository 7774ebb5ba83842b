import { z } from "zod";

/** The server settings the web UI can change; each is saved in config.json and applies at the next start. */
export const SERVER_SETTING_NAMES = ["host", "port", "apiKey", "cors"] as const;
export type ServerSettingName = (typeof SERVER_SETTING_NAMES)[number];

const ServerSettingValues = z.object({
	host: z.string(),
	port: z.number(),
	apiKeySet: z.boolean(),
	corsOrigins: z.array(z.string()),
});

/** GET/PUT /hearth/settings: what the server runs with, what it will run with after a restart, and why. */
export const ServerSettingsView = z.object({
	/** What this server runs with now. */
	active: ServerSettingValues,
	/** What the next start will run with: config.json, unless a flag or the environment sets the setting. */
	next: ServerSettingValues,
	/** Settings fixed by a command-line flag or an environment variable (its name), which config.json cannot change. */
	lockedBy: z.partialRecord(z.enum(SERVER_SETTING_NAMES), z.string()),
	/** True when `next` differs from `active`: restart Hearth to apply. */
	restartRequired: z.boolean(),
	configPath: z.string(),
});
export type ServerSettingsView = z.infer<typeof ServerSettingsView>;

/** A browser origin as CORS compares it (scheme://host[:port], nothing after), or "*". */
const CorsOrigin = z.string().refine((value) => {
	if (value === "*") return true;
	try {
		const url = new URL(value);
		return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
	} catch {
		return false;
	}
}, 'a CORS origin is scheme://host[:port] with nothing after it (e.g. "http://localhost:3000"), or "*"');

/** PUT /hearth/settings: the settings to change; absent ones stay as saved. */
export const ServerSettingsUpdate = z.strictObject({
	/** "127.0.0.1" serves this machine only; "0.0.0.0" serves the network. */
	host: z
		.string()
		.regex(/^[0-9A-Za-z.:[\]-]+$/, "host is an address such as 127.0.0.1 or 0.0.0.0")
		.optional(),
	port: z.number().int().min(1).max(65535).optional(),
	/** A new key, or null to remove it. */
	apiKey: z
		.string()
		.regex(/^\S{8,}$/, "an API key is at least 8 characters, without spaces")
		.nullable()
		.optional(),
	/** Allowed origins; an empty list turns CORS off. */
	cors: z.array(CorsOrigin).optional(),
});
export type ServerSettingsUpdate = z.infer<typeof ServerSettingsUpdate>;
