/** Left-aligned columns separated by two spaces, headed by `headers`; long cells are not cut. */
export function formatTable(headers: string[], rows: string[][]): string {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
			.join("  ")
			.trimEnd();
	return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}
