import type { Token } from "node-llama-cpp";

/** A free sequence as the choice sees it. */
export interface SequenceCache {
	/** The tokens it holds: the last prompt run on it and what was generated after it. */
	tokens: readonly Token[];
	/** How many of them were that prompt. */
	promptLength: number;
}

/**
 * Which free sequence a prompt should run on, and how many of its tokens it reuses (those are not
 * evaluated again: on a CPU, most of a chat turn's wait). A prompt that contains the sequence's
 * whole last prompt continues that conversation (or regenerates its answer): its stale tail is the
 * old answer, worth nothing, so the reuse alone counts. Otherwise the stale tokens are another
 * conversation's history, lost if erased (and erasing waits for the context's lock while the other
 * sequences decode): they count against the reuse, so a new conversation takes an empty sequence
 * rather than destroy another's cache for a shared template header.
 */
export function pickSequence(candidates: readonly SequenceCache[], prompt: readonly Token[]): { index: number; reused: number } {
	let best = { index: 0, reused: 0, score: Number.NEGATIVE_INFINITY };
	candidates.forEach(({ tokens, promptLength }, index) => {
		// At least the prompt's last token is always evaluated, to get the first prediction.
		const limit = Math.min(tokens.length, prompt.length - 1);
		let reused = 0;
		while (reused < limit && tokens[reused] === prompt[reused]) reused++;
		const continues = promptLength > 0 && reused >= Math.min(promptLength, prompt.length - 1);
		const score = continues ? reused : reused - (tokens.length - reused);
		if (score > best.score || (score === best.score && reused > best.reused)) best = { index, reused, score };
	});
	return { index: best.index, reused: best.reused };
}
