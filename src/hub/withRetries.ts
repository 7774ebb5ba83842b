import { HubError } from "./errors/HubError.js";

export interface RetryOptions {
	/** Attempts after the first. */
	retries: number;
	/** First delay, doubled each retry up to 30 s; a Retry-After from the hub (up to 60 s) replaces it. */
	backoffMs: number;
	signal?: AbortSignal;
}

const MAX_BACKOFF_MS = 30_000;
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * A failure that may pass if tried again: 429, 5xx and network errors (dropped connections,
 * refused, reset). Other HubErrors — 401, 404, an unsafe redirect, a checksum — will not change.
 */
export function isTransient(error: unknown): boolean {
	return !(error instanceof HubError) || error.kind === "unavailable" || error.kind === "rate_limited";
}

/**
 * Runs `attempt` until it succeeds, retrying transient failures with exponential backoff or the
 * hub's Retry-After; the last failure is thrown when retries run out, and an abort stops the wait
 * at once (its reason is thrown). The one retry policy of downloads and header reads alike.
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
	let backoff = options.backoffMs;
	for (let n = 0; ; n++) {
		try {
			return await attempt();
		} catch (error) {
			if (options.signal?.aborted || !isTransient(error) || n >= options.retries) throw error;
			const retryAfter = error instanceof HubError ? error.retryAfterMs : undefined;
			await sleep(retryAfter === undefined ? backoff : Math.min(retryAfter, MAX_RETRY_AFTER_MS), options.signal);
			backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
		}
	}
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const wake = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", wake);
			resolve();
		}, ms);
		signal?.addEventListener("abort", wake, { once: true });
	});
}
