/** 3_821_079_552 → "3.82 B": parameter counts as model cards write them. */
export function formatCount(n: number): string {
	if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
	if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
	if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
	return String(n);
}
