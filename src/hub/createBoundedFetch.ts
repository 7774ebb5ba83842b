import type { HubFetch } from "./createHubFetch.js";
import { HubError } from "./errors/HubError.js";

/** What one call to the hub (a search, a listing of every page, a model card) may take. */
export interface ReplyBudget {
	/** Body bytes, after decompression, across every response of the call. */
	bytes: number;
	/** Requests, pagination included. */
	requests: number;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * fetch for one call to the hub's API: only to the endpoint's origin (so a pagination link cannot
 * send Hearth elsewhere), at most `budget.requests` requests, and bodies that are read as streams
 * and fail with a HubError once `budget.bytes` decompressed bytes have passed, so that a gzip bomb
 * or an endless reply costs no more memory than the budget. `what` names the call in errors.
 */
export function createBoundedFetch(
	fetch: HubFetch,
	endpoint: string,
	budget: ReplyBudget,
	what: string,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
	const home = new URL(endpoint).origin;
	let bytesLeft = budget.bytes;
	let requestsLeft = budget.requests;
	const tooLarge = () =>
		new HubError(
			"reply_too_large",
			`The hub's reply for ${what} is larger than the ${mebibytes(budget.bytes)} Hearth reads; the endpoint may not be Hugging Face, or is misbehaving`,
		);
	return async (input, init) => {
		const url = new URL(input instanceof Request ? input.url : input);
		if (url.origin !== home)
			throw new HubError("unsafe_redirect", `Refusing to follow a link from the hub to ${url.protocol}//${url.host} for ${what}`);
		if (--requestsLeft < 0)
			throw new HubError("unavailable", `The hub needed more than ${budget.requests} requests for ${what}; giving up`);
		const response = await fetch(url.href, init);
		if (!response.body || NULL_BODY_STATUSES.has(response.status)) return response;
		const reader = response.body.getReader();
		const limited = new ReadableStream<Uint8Array>({
			async pull(controller) {
				const { done, value } = await reader.read();
				if (done) return controller.close();
				bytesLeft -= value.byteLength;
				if (bytesLeft < 0) {
					await reader.cancel();
					return controller.error(tooLarge());
				}
				controller.enqueue(value);
			},
			cancel: (reason) => reader.cancel(reason),
		});
		const bounded = new Response(limited, {
			status: response.status,
			statusText: response.statusText,
			headers: response.headers,
		});
		// Response's url is read-only; the library reads it to learn where redirects led.
		Object.defineProperty(bounded, "url", { value: response.url });
		return bounded;
	};
}

function mebibytes(bytes: number): string {
	return `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;
}
