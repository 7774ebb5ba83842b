import { EvalItem, type EvalSkippedLine } from "../api/native/NativeEval.js";

/** An item with the line it came from. */
export type NumberedEvalItem = EvalItem & { line: number };

export interface ParsedEvalSet {
	items: NumberedEvalItem[];
	/** Lines that are not items, each with why; blank lines and `#` comments are neither. */
	skipped: EvalSkippedLine[];
}

/**
 * Reads a JSONL eval set: one item per line (see EvalItem). A malformed line is reported with its
 * number and skipped, so one typo does not lose a run of hundreds of questions.
 */
export function parseEvalSet(text: string): ParsedEvalSet {
	const items: NumberedEvalItem[] = [];
	const skipped: EvalSkippedLine[] = [];
	for (const [index, raw] of text.split(/\r?\n/).entries()) {
		const source = raw.trim();
		if (source === "" || source.startsWith("#")) continue;
		const line = index + 1;
		let value: unknown;
		try {
			value = JSON.parse(source);
		} catch (error) {
			skipped.push({ line, error: `not JSON: ${(error as Error).message}` });
			continue;
		}
		const parsed = EvalItem.safeParse(value);
		if (parsed.success) items.push({ ...parsed.data, line });
		else {
			const issue = parsed.error.issues[0];
			const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
			skipped.push({ line, error: `${where}${issue?.message ?? "not an item"}` });
		}
	}
	return { items, skipped };
}
