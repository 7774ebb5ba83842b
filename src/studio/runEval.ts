import { CHOICE_LETTERS, type EvalItemResult, type EvalScore } from "../api/native/NativeEval.js";
import type { Engine } from "../engine/Engine.js";
import type { NumberedEvalItem } from "./parseEvalSet.js";
import { wilsonInterval } from "./wilsonInterval.js";

export interface EvalProgress {
	done: number;
	total: number;
	correct: number;
}

export interface EvalOutcome extends EvalScore {
	bySubject: Record<string, EvalScore>;
	perItem: EvalItemResult[];
	durationMs: number;
	itemsPerSecond: number;
}

/** The user turn an item becomes: the question, its lettered choices, and the instruction to answer with a letter. */
export function evalPrompt(item: Pick<NumberedEvalItem, "question" | "choices">): string {
	const choices = item.choices.map((choice, i) => `${CHOICE_LETTERS[i]}. ${choice}`).join("\n");
	return `${item.question}\n\n${choices}\n\nAnswer with the letter of the correct choice only.`;
}

/**
 * Scores a multiple-choice set as the standard harnesses score MMLU: each question, with its
 * lettered choices, is put to the model in its own chat template, and the model's choice is the
 * letter most probable as the first token of its answer. No sampling, so a run is reproducible.
 * A letter's probability adds up its spellings that are one token ("B" and " B" in most
 * vocabularies), so a model that answers with a leading space is not marked down.
 */
export async function runEval(
	engine: Engine,
	id: string,
	items: readonly NumberedEvalItem[],
	onProgress: (progress: EvalProgress) => void = () => {},
	signal?: AbortSignal,
): Promise<EvalOutcome> {
	const started = performance.now();
	const letters = CHOICE_LETTERS.slice(0, Math.max(2, ...items.map((item) => item.choices.length)));
	const spellings = await letterTokens(engine, id, letters);
	const perItem: EvalItemResult[] = [];
	for (const item of items) {
		signal?.throwIfAborted();
		onProgress({ done: perItem.length, total: items.length, correct: perItem.filter((r) => r.correct).length });
		const prompt = (await engine.renderChat(id, [{ role: "user", content: evalPrompt(item) }])).text;
		const used = spellings.slice(0, item.choices.length);
		const probabilities = await engine.nextTokenProbabilities(id, prompt, used.flat());
		let offset = 0;
		const byLetter = used.map((tokens) => {
			const sum = probabilities.slice(offset, offset + tokens.length).reduce((a, b) => a + b, 0);
			offset += tokens.length;
			return sum;
		});
		const best = byLetter.reduce((top, p, i) => (p > (byLetter[top] ?? -1) ? i : top), 0);
		perItem.push({
			line: item.line,
			...(item.subject === undefined ? {} : { subject: item.subject }),
			chosen: letters[best] as string,
			probability: byLetter[best] ?? 0,
			answer: letters[item.answer] as string,
			correct: best === item.answer,
		});
	}
	onProgress({ done: items.length, total: items.length, correct: perItem.filter((r) => r.correct).length });
	const durationMs = performance.now() - started;
	const subjects = new Map<string, EvalItemResult[]>();
	for (const result of perItem) {
		if (result.subject === undefined) continue;
		subjects.set(result.subject, [...(subjects.get(result.subject) ?? []), result]);
	}
	return {
		...score(perItem),
		bySubject: Object.fromEntries([...subjects].map(([subject, results]) => [subject, score(results)])),
		perItem,
		durationMs,
		itemsPerSecond: durationMs > 0 ? items.length / (durationMs / 1000) : 0,
	};
}

function score(results: readonly EvalItemResult[]): EvalScore {
	const correct = results.filter((r) => r.correct).length;
	return {
		items: results.length,
		correct,
		accuracy: results.length ? correct / results.length : 0,
		interval95: wilsonInterval(correct, results.length),
	};
}

/** For each letter, the ids of its one-token spellings, bare and after a space; a letter with none cannot be scored. */
async function letterTokens(engine: Engine, id: string, letters: string): Promise<number[][]> {
	const spellings: number[][] = [];
	for (const letter of letters) {
		const ids = new Set<number>();
		for (const text of [letter, ` ${letter}`]) {
			const tokens = await engine.tokenize(id, text);
			if (tokens.length === 1) ids.add(tokens[0] as number);
		}
		if (ids.size === 0) throw new Error(`the model's vocabulary has no single token for the letter ${letter}`);
		spellings.push([...ids]);
	}
	return spellings;
}
