import { describe, expect, it } from "vitest";
import { AdmissionQueue } from "./AdmissionQueue.js";

describe("AdmissionQueue", () => {
	it("admits up to its slots at once and the rest in order of arrival, each told its place", async () => {
		const queue = new AdmissionQueue(2);
		const order: string[] = [];
		const places: Record<string, number[]> = { c: [], d: [] };
		const enter = (name: string) =>
			queue
				.admit(undefined, (p) => places[name]?.push(p))
				.then((admitted) => {
					order.push(name);
					return admitted;
				});
		const all = [enter("a"), enter("b"), enter("c"), enter("d")];
		await Promise.resolve();
		expect(order).toEqual(["a", "b"]);
		expect(queue.queued).toBe(2);
		queue.release();
		queue.release();
		queue.release();
		queue.release();
		expect(await Promise.all(all)).toEqual([true, true, true, true]);
		expect(order).toEqual(["a", "b", "c", "d"]);
		expect(places).toEqual({ c: [1], d: [2, 1] });
		expect(queue.queued).toBe(0);
	});

	it("lets an aborted waiter leave without taking a slot", async () => {
		const queue = new AdmissionQueue(1);
		await queue.admit();
		const leaving = new AbortController();
		const gone = queue.admit(leaving.signal);
		const next = queue.admit();
		leaving.abort();
		expect(await gone).toBe(false);
		queue.release();
		expect(await next).toBe(true);
		expect(queue.queued).toBe(0);
		expect(await queue.admit(AbortSignal.abort())).toBe(false);
	});
});
