import { type ScriptEntry, scriptEntry } from "../../util/scriptEntry.js";

/** How to start a runner process: the script, and the Node flags it needs. */
export type RunnerEntry = ScriptEntry;

/** The runner's entry point, compiled or through tsx (see scriptEntry). */
export function runnerEntry(moduleUrl: string): RunnerEntry {
	return scriptEntry(moduleUrl, "runnerProcess");
}
