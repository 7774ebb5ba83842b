import { describe, expect, it } from "vitest";
import { isLoopbackName, parseHostHeader } from "./parseHostHeader.js";

describe("parseHostHeader", () => {
	it.each([
		["localhost:1234", { name: "localhost", port: 1234 }],
		["LocalHost.:1234", { name: "localhost", port: 1234 }],
		["127.0.0.1", { name: "127.0.0.1", port: undefined }],
		["[::1]:80", { name: "::1", port: 80 }],
		["[0:0:0:0:0:0:0:1]", { name: "0:0:0:0:0:0:0:1", port: undefined }],
		["app.localhost:1", { name: "app.localhost", port: 1 }],
	])("%s", (header, expected) => {
		expect(parseHostHeader(header)).toEqual(expected);
	});

	it.each(["", ":80", "a:b:c", "[::1", "[evil]:80", "host:99999", "host:", "a b:80", "[127.0.0.1]:80"])(
		"refuses %j",
		(header) => {
			expect(parseHostHeader(header)).toBeUndefined();
		},
	);
});

describe("isLoopbackName", () => {
	it.each(["localhost", "localhost.", "app.localhost", "127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "[::1]"])(
		"%s is this machine",
		(name) => expect(isLoopbackName(name)).toBe(true),
	);

	it.each([
		"127.evil.example",
		"127.0.0.1.nip.io",
		"localhost.evil.example",
		"evil-localhost",
		"128.0.0.1",
		"10.0.0.1",
		"::2",
		"::ffff:8.8.8.8",
		"0.0.0.0",
	])("%s is not", (name) => expect(isLoopbackName(name)).toBe(false));
});
