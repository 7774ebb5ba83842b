import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { readSetting } from "../config/settings.js";
import type { ModelSourceKind } from "./scan/ModelFiles.js";

export interface ModelSource {
	kind: ModelSourceKind;
	root: string;
}

/**
 * Every folder Hearth looks for models in, in order of precedence: its own, the extra folders of
 * HEARTH_MODELS_DIRS / config.json, then (unless HEARTH_OTHER_APPS=off) LM Studio's,
 * Hugging Face's cache and Ollama's, where those apps keep them by default or as their own
 * variables (HF_HOME, HF_HUB_CACHE, OLLAMA_MODELS) say.
 */
export function modelSources(env: NodeJS.ProcessEnv = process.env): ModelSource[] {
	const home = env.HOME || homedir();
	const sources: ModelSource[] = [{ kind: "hearth", root: join(readSetting("home", env), "models") }];
	for (const dir of readSetting("modelsDirs", env)) sources.push({ kind: "folder", root: resolve(dir) });
	if (!readSetting("otherApps", env)) return sources;
	sources.push({ kind: "lmstudio", root: join(home, ".lmstudio", "models") });
	sources.push({ kind: "lmstudio", root: join(home, ".cache", "lm-studio", "models") });
	const hfHome = env.HF_HOME || join(home, ".cache", "huggingface");
	sources.push({ kind: "huggingface", root: env.HF_HUB_CACHE || join(hfHome, "hub") });
	sources.push({ kind: "ollama", root: env.OLLAMA_MODELS || join(home, ".ollama", "models") });
	return sources;
}
