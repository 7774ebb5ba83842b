import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./HttpError.js";
import { isLoopbackName, parseHostHeader } from "./parseHostHeader.js";

export interface SecurityOptions {
	host: string;
	port: number;
	apiKey?: string;
	/** Browser origins allowed by CORS; empty: CORS off; ["*"]: any origin, never with credentials. */
	corsOrigins: string[];
	/** Paths anyone may call without the key. */
	openPaths: (path: string) => boolean;
	/** Host names a loopback server answers to besides the loopback ones (HEARTH_ALLOWED_HOSTS). */
	allowedHosts?: string[];
}

/** Whether a listening address serves this machine only. */
export function isLoopback(host: string): boolean {
	return isLoopbackName(host);
}

/**
 * The one gate every request passes, API and UI alike:
 * - bound to loopback, a Host header that does not name this machine (localhost, *.localhost, a
 *   loopback IP) or a configured name, at the server's port, is refused: a page on a DNS name that
 *   rebinds to 127.0.0.1 would otherwise be same-origin with the API (DNS rebinding);
 * - a browser request from a foreign origin is refused unless CORS allows that origin, so a web page
 *   cannot drive the server (CSRF), and CORS never reflects an origin with credentials;
 * - with an API key, every request but the open paths must carry it.
 */
export function securityGate(options: SecurityOptions): MiddlewareHandler {
	const loopback = isLoopback(options.host);
	const key = options.apiKey ? Buffer.from(options.apiKey) : undefined;
	const anyOrigin = options.corsOrigins.includes("*");
	const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, "")));
	return async (c, next) => {
		const hostHeader = c.req.header("host") ?? "";
		if (loopback && !allowedHost(hostHeader, options.port, allowed))
			throw new HttpError(403, `Host "${hostHeader}" is not allowed: this server answers to localhost only`, "forbidden_host");

		const origin = c.req.header("origin");
		const sameOrigin = origin !== undefined && isSameOrigin(origin, hostHeader);
		const corsAllowed = origin !== undefined && !sameOrigin && (anyOrigin || options.corsOrigins.includes(origin));
		if (origin !== undefined && !sameOrigin && !corsAllowed)
			throw new HttpError(
				403,
				`Origin "${origin}" is not allowed; add it to HEARTH_CORS to call Hearth from that page`,
				"forbidden_origin",
			);
		if (corsAllowed) {
			c.header("Access-Control-Allow-Origin", anyOrigin ? "*" : (origin as string));
			if (!anyOrigin) c.header("Vary", "Origin");
			if (c.req.method === "OPTIONS") {
				c.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
				c.header(
					"Access-Control-Allow-Headers",
					c.req.header("access-control-request-headers") ?? "authorization, content-type, x-api-key",
				);
				c.header("Access-Control-Max-Age", "600");
				return c.body(null, 204);
			}
		}

		if (key && !options.openPaths(c.req.path)) {
			const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
			const given = Buffer.from(bearer ?? c.req.header("x-api-key") ?? "");
			if (given.length !== key.length || !timingSafeEqual(given, key))
				throw new HttpError(401, "Missing or wrong API key: send Authorization: Bearer <key> or x-api-key", "invalid_api_key");
		}
		await next();
	};
}

function allowedHost(header: string, port: number, allowed: ReadonlySet<string>): boolean {
	const host = parseHostHeader(header);
	if (!host) return false;
	return (isLoopbackName(host.name) || allowed.has(host.name)) && (host.port === undefined || host.port === port);
}

function isSameOrigin(origin: string, hostHeader: string): boolean {
	try {
		const url = new URL(origin);
		return (url.protocol === "http:" || url.protocol === "https:") && url.host === hostHeader;
	} catch {
		return false;
	}
}
