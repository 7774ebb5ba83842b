import { HearthClient } from "../../src/api/HearthClient.js";

export { formatBytes } from "../../src/api/formatBytes.js";
export { formatCount } from "../../src/api/formatCount.js";

const KEY_STORAGE = "hearth.apiKey";

/** The API key this browser sends, when the server asks for one (kept in this browser only). */
export const apiKey = {
	get: (): string | undefined => localStorage.getItem(KEY_STORAGE) ?? undefined,
	set: (key: string | undefined) => (key ? localStorage.setItem(KEY_STORAGE, key) : localStorage.removeItem(KEY_STORAGE)),
};

/** The UI talks only to the native API of the server it was loaded from. */
export const api = new HearthClient("", apiKey.get);

export { FIT_LABELS } from "../../src/api/FitVerdict.js";

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
