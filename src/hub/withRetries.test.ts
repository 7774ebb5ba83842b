import { describe, expect, it } from "vitest";
import { HubError, hubErrorForResponse } from "./errors/HubError.js";
import { isTransient, withRetries } from "./withRetries.js";

describe("withRetries", () => {
	it("retries transient failures with backoff and returns the first success", async () => {
		let calls = 0;
		const result = await withRetries(
			async () => {
				if (++calls < 3) throw new HubError("rate_limited", "slow down", 429);
				return "ok";
			},
			{ retries: 4, backoffMs: 1 },
		);
		expect([result, calls]).toEqual(["ok", 3]);
	});

	it("throws what will not change at once, and the last failure when retries run out", async () => {
		let calls = 0;
		const denied = withRetries(
			async () => {
				calls++;
				throw new HubError("unauthorized", "no", 401);
			},
			{ retries: 4, backoffMs: 1 },
		);
		await expect(denied).rejects.toMatchObject({ kind: "unauthorized" });
		expect(calls).toBe(1);
		const down = withRetries(
			async () => {
				calls++;
				throw new TypeError("fetch failed");
			},
			{ retries: 2, backoffMs: 1 },
		);
		await expect(down).rejects.toThrow("fetch failed");
		expect(calls).toBe(4);
	});

	it("stops waiting at once when aborted", async () => {
		const controller = new AbortController();
		const started = Date.now();
		const waiting = withRetries(
			async () => {
				throw new HubError("unavailable", "down", 503);
			},
			{ retries: 3, backoffMs: 60_000, signal: controller.signal },
		);
		setTimeout(() => controller.abort(new Error("stop")), 20);
		await expect(waiting).rejects.toThrow("stop");
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it("takes Retry-After in seconds or as an HTTP date", () => {
		const seconds = hubErrorForResponse(new Response(null, { status: 429, headers: { "Retry-After": "7" } }), "x", false);
		expect(seconds).toMatchObject({ kind: "rate_limited", retryAfterMs: 7000 });
		const date = new Date(Date.now() + 5000).toUTCString();
		const dated = hubErrorForResponse(new Response(null, { status: 503, headers: { "Retry-After": date } }), "x", false);
		expect(dated.retryAfterMs).toBeGreaterThan(3000);
		expect(dated.retryAfterMs).toBeLessThanOrEqual(5000);
		expect(hubErrorForResponse(new Response(null, { status: 503 }), "x", false).retryAfterMs).toBeUndefined();
	});

	it("counts 429, 5xx and network errors as transient, and nothing else from the hub", () => {
		expect(isTransient(new TypeError("fetch failed"))).toBe(true);
		expect(isTransient(new HubError("rate_limited", "", 429))).toBe(true);
		expect(isTransient(new HubError("unavailable", "", 502))).toBe(true);
		for (const kind of ["unauthorized", "not_found", "unsafe_redirect", "checksum_mismatch", "disk_full", "cancelled"] as const)
			expect(isTransient(new HubError(kind, ""))).toBe(false);
	});
});
