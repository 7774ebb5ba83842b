import type { LlamaCompletion, LlamaContextSequence, Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { type PooledSequence, SequencePool } from "./SequencePool.js";

// Only what the pool reads of a sequence: the tokens it holds.
const pooled = (promptLength: number, ...tokens: number[]): PooledSequence => ({
	sequence: { contextTokens: tokens as Token[] } as unknown as LlamaContextSequence,
	completion: {} as LlamaCompletion,
	promptLength,
});
const t = (...ids: number[]) => ids as Token[];
const never = new AbortController().signal;

describe("SequencePool", () => {
	it("lends the free sequence holding the prompt's conversation, with the prefix it reuses", async () => {
		const other = pooled(3, 7, 8, 9, 10);
		const mine = pooled(3, 1, 2, 3, 4, 5);
		const pool = new SequencePool([other, mine]);
		const { pooled: lent, cachedPromptTokens } = await pool.acquire(t(1, 2, 3, 4, 5, 6, 7), never);
		expect(lent).toBe(mine);
		expect(cachedPromptTokens).toBe(5);
		expect(lent.promptLength).toBe(7);
	});

	it("chooses at once, so two requests at the same time get different sequences", async () => {
		const pool = new SequencePool([pooled(0), pooled(0)]);
		const [a, b] = await Promise.all([pool.acquire(t(1, 2), never), pool.acquire(t(1, 2), never)]);
		expect(a.pooled).not.toBe(b.pooled);
	});

	it("makes a prompt wait for a busy pool, handing over in order of arrival with the reuse of what comes back", async () => {
		const only = pooled(0);
		const pool = new SequencePool([only]);
		const first = await pool.acquire(t(1, 2, 3), never);
		const order: string[] = [];
		const arrived =
			(name: string) =>
			<T>(x: T) => {
				order.push(name);
				return x;
			};
		const second = pool.acquire(t(1, 2, 3, 4), never).then(arrived("second"));
		const third = pool.acquire(t(5, 6), never).then(arrived("third"));
		await Promise.resolve();
		expect(order).toEqual([]);
		// The first generation left its prompt and answer in the sequence.
		(only.sequence as { contextTokens: Token[] }).contextTokens = t(1, 2, 3, 9);
		pool.release(first.pooled);
		const handed = await second;
		expect(handed).toEqual({ pooled: only, cachedPromptTokens: 3 });
		expect(order).toEqual(["second"]);
		pool.release(handed.pooled);
		expect((await third).cachedPromptTokens).toBe(0);
		expect(order).toEqual(["second", "third"]);
	});

	it("rejects a waiting prompt with its signal's reason when it aborts, and skips it when a sequence comes back", async () => {
		const only = pooled(0);
		const pool = new SequencePool([only]);
		const first = await pool.acquire(t(1), never);
		const controller = new AbortController();
		const abandoned = pool.acquire(t(2), controller.signal);
		const later = pool.acquire(t(3), never);
		const reason = new Error("client went away");
		controller.abort(reason);
		await expect(abandoned).rejects.toBe(reason);
		pool.release(first.pooled);
		expect((await later).pooled).toBe(only);
	});

	it("takes a released sequence back as free when nobody waits", async () => {
		const only = pooled(0);
		const pool = new SequencePool([only]);
		pool.release((await pool.acquire(t(1), never)).pooled);
		expect((await pool.acquire(t(2), never)).pooled).toBe(only);
	});
});
