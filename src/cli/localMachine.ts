import { readSetting } from "../config/settings.js";
import { cachedEngineInfo } from "../studio/cachedEngineInfo.js";
import { describeMachine, type Machine } from "../studio/Machine.js";

/**
 * This machine for the CLI's own listings (`ls`, `get`): the backend the last probe found (the
 * server's, or an earlier command's), else a probe that loads llama.cpp's binding only now.
 */
export function localMachine(home: string, env: NodeJS.ProcessEnv = process.env): Promise<Machine> {
	const gpu = readSetting("gpu", env);
	const probe = async () => {
		const { LlamaCppEngine } = await import("../engine/llama/LlamaCppEngine.js");
		return new LlamaCppEngine({ gpu }).describe();
	};
	return describeMachine({ describe: () => cachedEngineInfo(home, gpu, probe) });
}
