/** 95 → "1m35s": short durations for tables and progress bars. */
export function formatDuration(seconds: number): string {
	if (!Number.isFinite(seconds)) return "–";
	const s = Math.round(seconds);
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
	return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
