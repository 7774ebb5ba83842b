import { request as httpRequest } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The gate every route is behind: Host check (DNS rebinding), Origin check and CORS, the API key.
let open: FakeServer;
let cors: FakeServer;
let locked: FakeServer;

beforeAll(async () => {
	[open, cors, locked] = await Promise.all([
		startFakeServer(),
		startFakeServer({ server: { corsOrigins: ["https://app.example"] } }),
		startFakeServer({ server: { apiKey: "s3cret" } }),
	]);
});
afterAll(() => Promise.all([open.close(), cors.close(), locked.close()]));

const portOf = (server: FakeServer) => Number(new URL(server.url).port);
/** A GET with exactly these headers (fetch would set Host itself). */
const raw = (server: FakeServer, path: string, headers: Record<string, string>) =>
	new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
		const req = httpRequest({ host: "127.0.0.1", port: portOf(server), path, headers }, (res) => {
			let body = "";
			res.on("data", (d) => {
				body += d;
			});
			res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
		});
		req.on("error", reject);
		req.end();
	});

describe("the Host check", () => {
	it("refuses a foreign Host (DNS rebinding) and accepts localhost, 127.0.0.1 and [::1]", async () => {
		const port = portOf(open);
		expect((await raw(open, "/v1/models", { host: `evil.example:${port}` })).status).toBe(403);
		for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
			expect((await raw(open, "/v1/models", { host })).status).toBe(200);
	});
});

describe("the Origin check", () => {
	it("refuses cross-origin browser requests unless CORS allows the origin, and never reflects one with credentials", async () => {
		const host = `127.0.0.1:${portOf(open)}`;
		const foreign = await raw(open, "/v1/models", { host, origin: "https://evil.example" });
		expect(foreign.status).toBe(403);
		expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
		expect((await raw(open, "/v1/models", { host, origin: `http://${host}` })).status).toBe(200);

		const corsHost = `127.0.0.1:${portOf(cors)}`;
		const allowed = await raw(cors, "/v1/models", { host: corsHost, origin: "https://app.example" });
		expect(allowed.status).toBe(200);
		expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example");
		expect(allowed.headers["access-control-allow-credentials"]).toBeUndefined();
		expect((await raw(cors, "/v1/models", { host: corsHost, origin: "https://other.example" })).status).toBe(403);
	});
});

describe("the API key", () => {
	it("is required on every route but /health, as Bearer or x-api-key", async () => {
		expect((await fetch(`${locked.url}/health`)).status).toBe(200);
		for (const path of ["/v1/models", "/api/tags", "/api/v0/models", "/hearth/models"]) {
			const denied = await fetch(`${locked.url}${path}`);
			expect({ path, status: denied.status }).toEqual({ path, status: 401 });
		}
		const denied = await fetch(`${locked.url}/v1/models`);
		expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
		expect((await fetch(`${locked.url}/v1/models`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
		expect((await fetch(`${locked.url}/v1/models`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
		expect((await fetch(`${locked.url}/v1/models`, { headers: { "x-api-key": "s3cret" } })).status).toBe(200);
		const client = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "s3cret", maxRetries: 0 });
		expect((await client.models.list()).data.length).toBeGreaterThan(0);
	});
});
