/** Why Hugging Face (or a mirror at HF_ENDPOINT) could not give what was asked. */
export type HubErrorKind =
	| "unauthorized" // 401/403: token missing or wrong, or a gated repo not accepted
	| "not_found" // 404: no such repo or file
	| "rate_limited" // 429 after retries
	| "unavailable" // 5xx or network failure after retries, or a reply larger than Hearth reads
	| "unsafe_redirect" // a redirect (or pagination link) to a plain-http stranger or an internal address
	| "reply_too_large" // a reply past the bytes Hearth reads of it (a gzip bomb, a 1 GB listing); not retried
	| "checksum_mismatch" // the bytes do not hash to the published sha256
	| "disk_full" // ENOSPC while writing
	| "cancelled"; // the download was cancelled; its .part stays for resuming

export class HubError extends Error {
	readonly code: string;
	/** How long the hub asked us to wait (Retry-After) before trying again. */
	retryAfterMs?: number;
	constructor(
		readonly kind: HubErrorKind,
		message: string,
		readonly status?: number,
	) {
		super(message);
		this.name = "HubError";
		this.code = `hub_${kind}`;
	}
}

/** The message for an HTTP status from the hub, in the words a user can act on. */
export function hubErrorForStatus(status: number, what: string, tokenSet: boolean): HubError {
	if (status === 401 || status === 403)
		return new HubError(
			"unauthorized",
			tokenSet
				? `Hugging Face refused access to ${what} (${status}): the repo may be gated (accept its terms on its page with the account of HF_TOKEN) or HF_TOKEN lacks read access`
				: `Hugging Face refused access to ${what} (${status}): it is private or gated; accept its terms on its page, then set HF_TOKEN to an access token with read access`,
			status,
		);
	if (status === 404) return new HubError("not_found", `Not found on Hugging Face: ${what}`, status);
	if (status === 429)
		return new HubError("rate_limited", `Hugging Face is rate-limiting requests for ${what}; try again in a while`, status);
	return new HubError("unavailable", `Hugging Face answered ${status} for ${what}; try again later`, status);
}

/** The HubError for a reply that is not ok, carrying its Retry-After (seconds or an HTTP date) for the retry loop. */
export function hubErrorForResponse(response: Response, what: string, tokenSet: boolean): HubError {
	const error = hubErrorForStatus(response.status, what, tokenSet);
	const retryAfter = response.headers.get("retry-after");
	if (retryAfter !== null) {
		const ms = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - Date.now();
		if (Number.isFinite(ms)) error.retryAfterMs = Math.max(0, ms);
	}
	return error;
}
