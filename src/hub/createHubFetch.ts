import { HubError } from "./errors/HubError.js";
import { redirectRefusal } from "./redirectRefusal.js";

export type HubFetch = (url: string, init?: RequestInit) => Promise<Response>;

const MAX_REDIRECTS = 5;

/**
 * fetch for everything Hearth asks of the hub: the token goes to the endpoint's own origin and
 * nowhere else, and redirects are followed by hand under `redirectRefusal`'s rule — https or the
 * endpoint's own origin, never an internal address the endpoint does not itself live on.
 */
export function createHubFetch(endpoint: string, token?: string): HubFetch {
	const home = new URL(endpoint);
	return async (input, init = {}) => {
		let url = new URL(input);
		for (let hop = 0; ; hop++) {
			const headers = new Headers(init.headers);
			if (token && url.origin === home.origin) headers.set("Authorization", `Bearer ${token}`);
			else headers.delete("Authorization");
			const response = await fetch(url, { ...init, headers, redirect: "manual" });
			const location = response.headers.get("location");
			if (response.status < 300 || response.status >= 400 || !location) return response;
			await response.body?.cancel();
			if (hop >= MAX_REDIRECTS) throw new HubError("unavailable", `Too many redirects fetching ${input}`);
			const next = new URL(location, url);
			const refusal = redirectRefusal(next, home);
			if (refusal)
				throw new HubError(
					"unsafe_redirect",
					`Refusing to follow a redirect from ${url.host} to ${next.protocol}//${next.host}: ${refusal}`,
				);
			url = next;
		}
	};
}
