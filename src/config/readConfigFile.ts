import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { LoadSettings } from "../api/native/NativeModels.js";

/** `$HEARTH_HOME/config.json`: settings saved by the user or the UI. Unknown keys are kept for newer versions. */
export const ConfigFile = z.looseObject({
	/** Extra folders scanned for models, as HEARTH_MODELS_DIRS. */
	modelsDirs: z.array(z.string()).optional(),
	/** Whether models of LM Studio, Hugging Face's cache and Ollama are listed. */
	otherApps: z.boolean().optional(),
	/** Address the server listens on, as HEARTH_HOST. */
	host: z.string().optional(),
	/** Port of the server, as HEARTH_PORT. */
	port: z.number().int().min(0).max(65535).optional(),
	/** Key every request must carry, as HEARTH_API_KEY. */
	apiKey: z.string().optional(),
	/** Browser origins allowed by CORS, as HEARTH_CORS. */
	cors: z.array(z.string()).optional(),
	/** Host names a loopback server answers to besides localhost and loopback addresses, as HEARTH_ALLOWED_HOSTS. */
	allowedHosts: z.array(z.string()).optional(),
	/** Embedding model for attachments too long for the context, as HEARTH_EMBEDDING_MODEL. */
	embeddingModel: z.string().optional(),
	/** Load settings saved per model key, used whenever that model is loaded without explicit ones. */
	modelDefaults: z.record(z.string(), LoadSettings).optional(),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

/** Reads config.json under `home`; a missing file is an empty config, a broken one a one-line error. */
export function readConfigFile(home: string): ConfigFile {
	const path = join(home, "config.json");
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch {
		return {};
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
	}
	const parsed = ConfigFile.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new Error(`${path}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
	}
	return parsed.data;
}

/** Changes config.json (written aside and renamed, so a crash never leaves half a file). */
export function updateConfigFile(home: string, change: (config: ConfigFile) => ConfigFile): ConfigFile {
	const next = ConfigFile.parse(change(readConfigFile(home)));
	mkdirSync(home, { recursive: true });
	const path = join(home, "config.json");
	const temporary = `${path}.${process.pid}.tmp`;
	// It may hold the API key: readable by its owner only.
	writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
	renameSync(temporary, path);
	return next;
}
