import type { Token } from "node-llama-cpp";

/**
 * Which free sequence a prompt should run on: the one that keeps the most — tokens of the prompt it
 * already holds (not evaluated again: a chat's next turn reuses its whole history) minus the stale
 * tokens it must erase (another conversation's cache, lost, and erasing waits for the context's
 * lock while the other sequences decode). So a conversation returns to its own sequence, and a new
 * one takes an empty sequence rather than destroy another's history for a shared template header.
 * Returns the index into `cached`, and how many prompt tokens it reuses.
 */
export function pickSlot(cached: readonly (readonly Token[])[], prompt: readonly Token[]): { index: number; reused: number } {
	let best = { index: 0, reused: 0, score: Number.NEGATIVE_INFINITY };
	cached.forEach((tokens, index) => {
		// At least the prompt's last token is always evaluated, to get the first prediction.
		const limit = Math.min(tokens.length, prompt.length - 1);
		let reused = 0;
		while (reused < limit && tokens[reused] === prompt[reused]) reused++;
		const score = reused - (tokens.length - reused);
		if (score > best.score || (score === best.score && reused > best.reused)) best = { index, reused, score };
	});
	return { index: best.index, reused: best.reused };
}
