import { HubError } from "./errors/HubError.js";

export type HubFetch = (url: string, init?: RequestInit) => Promise<Response>;

const MAX_REDIRECTS = 5;

/**
 * fetch for everything Hearth asks of the hub: the token goes to the endpoint's own origin and
 * nowhere else, and redirects are followed by hand — only to https hosts or the endpoint's own
 * origin, never to a plain-http stranger.
 */
export function createHubFetch(endpoint: string, token?: string): HubFetch {
	const home = new URL(endpoint).origin;
	return async (input, init = {}) => {
		let url = new URL(input);
		for (let hop = 0; ; hop++) {
			const headers = new Headers(init.headers);
			if (token && url.origin === home) headers.set("Authorization", `Bearer ${token}`);
			else headers.delete("Authorization");
			const response = await fetch(url, { ...init, headers, redirect: "manual" });
			const location = response.headers.get("location");
			if (response.status < 300 || response.status >= 400 || !location) return response;
			await response.body?.cancel();
			if (hop >= MAX_REDIRECTS) throw new HubError("unavailable", `Too many redirects fetching ${input}`);
			const next = new URL(location, url);
			if (next.protocol !== "https:" && next.origin !== home)
				throw new HubError(
					"unsafe_redirect",
					`Refusing to follow a redirect from ${url.host} to ${next.protocol}//${next.host}: only https is allowed`,
				);
			url = next;
		}
	};
}
