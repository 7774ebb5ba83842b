import { z } from "zod";
import { LoadedModelView } from "./NativeModels.js";

/** GET /hearth/status: the server, this machine and the models in memory. */
export const ServerStatus = z.object({
	version: z.string(),
	url: z.string(),
	uptimeSeconds: z.number(),
	settings: z.object({
		host: z.string(),
		port: z.number(),
		apiKeySet: z.boolean(),
		corsOrigins: z.array(z.string()),
		parallel: z.number(),
		maxModels: z.number(),
		ttlSeconds: z.number(),
		modelsDir: z.string(),
	}),
	system: z.object({
		cpu: z.string(),
		cores: z.number(),
		ramTotalBytes: z.number(),
		ramAvailableBytes: z.number(),
		/** The backend models load on, the ones this machine can run, and the setting that chose it. */
		gpu: z.object({
			backend: z.string(),
			available: z.array(z.string()),
			setting: z.string(),
			vramTotalBytes: z.number().optional(),
			vramFreeBytes: z.number().optional(),
		}),
		engine: z.object({ name: z.string(), nodeLlamaCpp: z.string(), llamaCpp: z.string() }),
	}),
	loaded: z.array(LoadedModelView),
});
export type ServerStatus = z.infer<typeof ServerStatus>;

export const LogEntry = z.object({
	time: z.string(),
	level: z.enum(["error", "warn", "info", "debug"]),
	source: z.string(),
	message: z.string(),
});
export type LogEntry = z.infer<typeof LogEntry>;
