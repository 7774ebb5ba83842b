import { isIP } from "node:net";

/** A Host header's name (lower case, brackets and one trailing dot gone) and port. */
export interface HostHeader {
	name: string;
	port?: number;
}

/**
 * Parses `Host` as RFC 9110 writes it: `name[:port]` or `[ipv6][:port]`. Anything else — empty,
 * a second colon outside brackets, a port that is not a number — is undefined, and refused.
 */
export function parseHostHeader(header: string): HostHeader | undefined {
	const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/i.exec(header.trim());
	if (!match) return undefined;
	const port = match[3] === undefined ? undefined : Number(match[3]);
	if (port !== undefined && port > 65535) return undefined;
	if (match[1] !== undefined) return isIP(match[1]) === 6 ? { name: match[1].toLowerCase(), port } : undefined;
	return { name: match[2].toLowerCase().replace(/\.$/, ""), port };
}

/**
 * Whether a name can only mean this machine: `localhost` and `*.localhost` (RFC 6761 keeps them on
 * loopback), an IPv4 literal in 127.0.0.0/8, or IPv6 `::1`. A name that merely starts with "127."
 * (`127.0.0.1.nip.io`) is a DNS name anyone can point anywhere.
 */
export function isLoopbackName(name: string): boolean {
	const n = name
		.toLowerCase()
		.replace(/^\[|\]$/g, "")
		.replace(/\.$/, "");
	if (n === "localhost" || n.endsWith(".localhost")) return true;
	if (isIP(n) === 4) return n.split(".")[0] === "127";
	if (isIP(n) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(n) || n === "::1";
	return false;
}
