import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { type ParsedEvalSet, parseEvalSet } from "./parseEvalSet.js";

/** The question set Hearth ships (30 general-knowledge items of its own), used when no set is named. */
export const GENERAL_EVAL_SET = fileURLToPath(new URL("../../evals/general.jsonl", import.meta.url));

/** A set of hundreds of thousands of questions is far below this; a file above it is a mistake. */
const MAX_SET_BYTES = 64 * 2 ** 20;

export interface EvalSet extends ParsedEvalSet {
	/** What reports call it: the file's name, or "general" for the shipped set. */
	name: string;
}

/** Reads an eval set file ("general", or no path, is the shipped one); errors say what is wrong in one line. */
export async function readEvalSet(path: string | undefined): Promise<EvalSet> {
	const file = path === undefined || path === "general" ? GENERAL_EVAL_SET : path;
	const info = await stat(file).catch(() => undefined);
	if (!info?.isFile()) throw new EvalSetError(`no eval set at ${file}`);
	if (info.size > MAX_SET_BYTES) throw new EvalSetError(`${file} is ${info.size} bytes; an eval set may be at most 64 MiB`);
	return evalSetOf(file === GENERAL_EVAL_SET ? "general" : basename(file), await readFile(file, "utf8"), file);
}

/** A set from its text (an upload, or a file's), refused when it holds no valid item. */
export function evalSetOf(name: string, text: string, where = name): EvalSet {
	const parsed = parseEvalSet(text);
	if (parsed.items.length === 0)
		throw new EvalSetError(
			`${where} has no valid items${parsed.skipped[0] ? ` (line ${parsed.skipped[0].line}: ${parsed.skipped[0].error})` : ""}`,
		);
	return { ...parsed, name };
}

export class EvalSetError extends Error {
	readonly code = "invalid_eval_set";
	constructor(message: string) {
		super(message);
		this.name = "EvalSetError";
	}
}
