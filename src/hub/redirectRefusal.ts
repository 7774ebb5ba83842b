import { BlockList, isIP } from "node:net";

/**
 * Addresses a hub reply must never point Hearth at: the machine itself, its link (where cloud
 * metadata services answer) and private networks. IPv4-mapped IPv6 forms are checked as IPv4.
 */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
	["0.0.0.0", 8], // "this host": connecting to 0.0.0.0 reaches loopback
	["10.0.0.0", 8],
	["100.64.0.0", 10], // carrier-grade NAT, private in practice
	["127.0.0.0", 8],
	["169.254.0.0", 16],
	["172.16.0.0", 12],
	["192.168.0.0", 16],
] as const)
	INTERNAL.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
	["::", 128],
	["::1", 128],
	["fc00::", 7],
	["fe80::", 10],
] as const)
	INTERNAL.addSubnet(net, prefix, "ipv6");

/**
 * Why a redirect from the hub to `target` is refused, or undefined when it may be followed: https
 * or the endpoint's own origin only, and never to a loopback, link-local or private IP literal or
 * a localhost name unless that host is the endpoint's own (a mirror or a test hub on loopback).
 * Names are not resolved here: the rule stops a hub's reply from naming internal addresses.
 */
export function redirectRefusal(target: URL, endpoint: URL): string | undefined {
	if (target.origin === endpoint.origin) return undefined;
	if (target.protocol !== "https:") return `only https is allowed, not ${target.protocol}//${target.host}`;
	const host = target.hostname
		.replace(/^\[|\]$/g, "")
		.replace(/\.$/, "")
		.toLowerCase();
	if (
		host ===
		endpoint.hostname
			.replace(/^\[|\]$/g, "")
			.replace(/\.$/, "")
			.toLowerCase()
	)
		return undefined;
	if (host === "localhost" || host.endsWith(".localhost")) return `${target.host} is this machine`;
	const family = isIP(host);
	if (family !== 0 && INTERNAL.check(host, family === 6 ? "ipv6" : "ipv4"))
		return `${target.host} is a loopback, link-local or private address`;
	return undefined;
}
