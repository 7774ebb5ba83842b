/** "Forever" as a TTL: Ollama's negative keep_alive. */
export const FOREVER_SECONDS = 100 * 365 * 24 * 3600;

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Ollama's keep_alive as seconds: a number of seconds, or a Go duration string ("5m", "1h30m",
 * "90s", "0"); negative means forever. Undefined when absent, so the server default applies.
 */
export function parseKeepAlive(value: number | string | undefined): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value === "number") return value < 0 ? FOREVER_SECONDS : value;
	const text = value.trim();
	if (/^-?\d+(\.\d+)?$/.test(text)) return parseKeepAlive(Number(text));
	if (text.startsWith("-")) return FOREVER_SECONDS;
	const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
	if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text)
		throw new RangeError(`keep_alive "${value}" is not a duration such as 5m or 1h`);
	return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]], 0);
}
