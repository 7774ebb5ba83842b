import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** `$HEARTH_HOME/config.json`: settings saved by the user or the UI. Unknown keys are kept for newer versions. */
export const ConfigFile = z.looseObject({
	/** Extra folders scanned for models, as HEARTH_MODELS_DIRS. */
	modelsDirs: z.array(z.string()).optional(),
	/** Whether models of LM Studio, Hugging Face's cache and Ollama are listed. */
	otherApps: z.boolean().optional(),
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
