import { z } from "zod";

/** Letters of the choices, in order: an item has at most this many. */
export const CHOICE_LETTERS = "ABCDEFGHIJ";

/**
 * One line of an eval set (JSONL): a multiple-choice question, its choices, and the right one as a
 * 0-based index or a letter ("A" is the first). `subject` groups items in the report.
 */
export const EvalItem = z
	.object({
		question: z.string().trim().min(1, "question is empty").max(20_000),
		choices: z
			.array(z.string().trim().min(1, "a choice is empty").max(4000))
			.min(2, "give at least 2 choices")
			.max(CHOICE_LETTERS.length, `give at most ${CHOICE_LETTERS.length} choices`),
		answer: z.union(
			[
				z.number().int().min(0),
				z
					.string()
					.regex(/^[A-Ja-j]$/)
					.transform((letter) => CHOICE_LETTERS.indexOf(letter.toUpperCase())),
			],
			{ error: "answer must be a choice's 0-based index or its letter" },
		),
		subject: z.string().trim().min(1).max(200).optional(),
	})
	.refine((item) => item.answer < item.choices.length, { message: "answer names no choice", path: ["answer"] });
export type EvalItem = z.infer<typeof EvalItem>;

/** A line of the set that is not an item: skipped, and reported with its 1-based number. */
export const EvalSkippedLine = z.object({ line: z.number().int().min(1), error: z.string() });
export type EvalSkippedLine = z.infer<typeof EvalSkippedLine>;

/** How the model did on one item: the letter it chose, with its probability, and whether it is right. */
export const EvalItemResult = z.object({
	/** 1-based line of the set. */
	line: z.number().int().min(1),
	subject: z.string().optional(),
	chosen: z.string(),
	/** The chosen letter's probability as the next token (of the whole vocabulary's). */
	probability: z.number(),
	/** The right letter. */
	answer: z.string(),
	correct: z.boolean(),
});
export type EvalItemResult = z.infer<typeof EvalItemResult>;

/** Correct of items, as a fraction, with its 95 % Wilson score interval. */
export const EvalScore = z.object({
	items: z.number().int(),
	correct: z.number().int(),
	accuracy: z.number(),
	interval95: z.tuple([z.number(), z.number()]),
});
export type EvalScore = z.infer<typeof EvalScore>;

/** What `hearth eval --json` prints and `eval_runs` keeps. */
export const EvalReport = EvalScore.extend({
	model: z.string(),
	/** The set's file name (or "general" for the one Hearth ships). */
	set: z.string(),
	bySubject: z.record(z.string(), EvalScore),
	itemsPerSecond: z.number(),
	durationMs: z.number(),
	skipped: z.array(EvalSkippedLine),
	perItem: z.array(EvalItemResult),
});
export type EvalReport = z.infer<typeof EvalReport>;
