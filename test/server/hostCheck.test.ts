import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// DNS rebinding: a page on a name the attacker controls, rebound to 127.0.0.1, is same-origin with
// the server unless the server refuses Host headers that do not name this machine.
let server: FakeServer;
let port: number;
beforeAll(async () => {
	server = await startFakeServer({ env: { HEARTH_ALLOWED_HOSTS: "studio.internal" } });
	port = Number(new URL(server.url).port);
});
afterAll(() => server.close());

const withHost = (host: string, method = "GET", path = "/hearth/chats", body?: string) =>
	new Promise<number>((resolve, reject) => {
		const req = request(
			{ host: "127.0.0.1", port, path, method, headers: { host, "content-type": "application/json" } },
			(res) => {
				res.resume();
				res.on("end", () => resolve(res.statusCode ?? 0));
			},
		);
		req.on("error", reject);
		req.end(body);
	});

describe("the Host check of a loopback server", () => {
	it.each(["127.evil.example", "127.0.0.1.nip.io", "localhost.evil.example", "evil.example"])(
		"refuses %s (the probe's bypass) with 403",
		async (name) => {
			expect(await withHost(`${name}:${port}`)).toBe(403);
			// The attack that mattered: changing settings from such a page.
			expect(await withHost(`${name}:${port}`, "PUT", "/hearth/settings", JSON.stringify({ cors: ["*"] }))).toBe(403);
		},
	);

	it("refuses the right name on another port, and a malformed Host", async () => {
		expect(await withHost(`localhost:${port + 1}`)).toBe(403);
		// Node's HTTP parser may refuse a malformed Host itself (400) before the gate (403): refused either way.
		expect([400, 403]).toContain(await withHost("localhost:"));
		expect([400, 403]).toContain(await withHost("[::1"));
	});

	it.each(["localhost", "LOCALHOST.", "app.localhost", "127.0.0.1", "127.9.9.9", "[::1]", "studio.internal"])(
		"accepts %s",
		async (name) => {
			expect(await withHost(`${name}:${port}`)).toBe(200);
		},
	);
});
