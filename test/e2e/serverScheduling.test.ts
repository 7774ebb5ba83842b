import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { LLAMA_KEY, PHI3_KEY, serverHome } from "../fixtures/serverHome.js";
import { collect, startCli } from "./runCli.js";

const QUESTION = [{ role: "user", content: "where is taiwan" }];
let server: RunningServer;

beforeAll(async () => {
	// One sequence and a queue of two, so the limits are easy to reach.
	server = await startServer({ port: 0, env: await serverHome({ HEARTH_PARALLEL: "1", HEARTH_QUEUE: "2" }), print: () => {} });
});
afterAll(() => server.close());

const chat = (body: Record<string, unknown>, signal?: AbortSignal) =>
	fetch(`${server.url}/v1/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model: PHI3_KEY, messages: QUESTION, ...body }),
		signal,
	});
const models = async () =>
	((await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string; loaded: boolean }[] }).data
		.filter((m) => m.loaded)
		.map((m) => m.id);

describe("scheduler through the server", () => {
	it("frees the only sequence within 500 ms of a client disconnecting", async () => {
		const controller = new AbortController();
		const response = await chat({ stream: true, temperature: 0 }, controller.signal);
		const reader = response.body?.getReader();
		await reader?.read();
		controller.abort();
		const started = performance.now();
		const next = await chat({ stream: true, max_tokens: 1 });
		const firstByte = await next.body?.getReader().read();
		expect(firstByte?.done).toBe(false);
		expect(performance.now() - started).toBeLessThan(500 + 300); // the abort, plus one short prompt
	});

	it("answers a burst past the queue with 503 and Retry-After, and resets no connection", async () => {
		const results = await Promise.all(
			Array.from({ length: 8 }, () =>
				// Long enough that the first answer is still being generated when the last request arrives.
				chat({ max_tokens: 600, temperature: 0 }).then(
					async (r) => ({
						status: r.status,
						retryAfter: r.headers.get("retry-after"),
						code: ((await r.json()) as { error?: { code: string } }).error?.code,
					}),
					(error: Error) => ({ status: -1, retryAfter: null, code: error.message }),
				),
			),
		);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
		expect(statuses.filter((s) => s === 200)).toHaveLength(3); // one generating, two queued
		expect(statuses.filter((s) => s === 503)).toHaveLength(5);
		for (const r of results.filter((r) => r.status === 503)) expect(r).toMatchObject({ retryAfter: "1", code: "server_busy" });
	});

	it("loads a model just in time, evicts the least recently used one at the limit, and unloads after its ttl", async () => {
		expect((await chat({ max_tokens: 1 })).status).toBe(200);
		expect(await models()).toEqual([PHI3_KEY]);
		expect((await chat({ model: LLAMA_KEY, max_tokens: 1, ttl: 1 })).status).toBe(200);
		expect(await models()).toEqual([LLAMA_KEY]);
		await new Promise((r) => setTimeout(r, 1600));
		expect(await models()).toEqual([]);
	});
});

describe("shutdown", () => {
	it("on SIGTERM lets the generation in flight finish, unloads, leaves no runner and exits 0", async () => {
		const env = await serverHome();
		const child = startCli(["serve", "--port", "0"], { ...env, HEARTH_SHUTDOWN_GRACE: "10" });
		const exited = collect(child);
		let out = "";
		child.stdout?.on("data", (d) => {
			out += d;
		});
		const url = await new Promise<string>((resolve) => {
			const poll = setInterval(() => {
				const match = /serving on (http:\/\/\S+)/.exec(out);
				if (match) {
					clearInterval(poll);
					resolve(match[1]);
				}
			}, 20);
		});
		const body = JSON.stringify({ model: PHI3_KEY, messages: QUESTION, max_tokens: 400, stream: true, temperature: 0 });
		const streamed = new Promise<string>((resolve, reject) => {
			const req = httpRequest(
				`${url}/v1/chat/completions`,
				{ method: "POST", headers: { "content-type": "application/json" } },
				(res) => {
					let text = "";
					res.on("data", (d) => {
						text += d;
						if (!text.includes("SIGTERM-sent") && text.length > 200) {
							text += "SIGTERM-sent";
							child.kill("SIGTERM");
						}
					});
					res.on("end", () => resolve(text));
				},
			);
			req.on("error", reject);
			req.end(body);
		});
		const text = await streamed;
		const result = await exited;
		expect(result.code).toBe(0);
		expect(text).toContain("data: [DONE]");
		expect(text).toContain('"finish_reason":"length"');
		const pids = await runnerPids();
		expect(pids.filter((p) => p.includes(env.HEARTH_HOME as string))).toEqual([]);
	});
});

/** Command lines of live runner processes (their environment names the Hearth home). */
async function runnerPids(): Promise<string[]> {
	const { readdirSync, readFileSync } = await import("node:fs");
	const found: string[] = [];
	for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
		try {
			const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
			if (cmd.includes("runnerProcess")) found.push(readFileSync(`/proc/${pid}/environ`, "utf8"));
		} catch {
			// gone already
		}
	}
	return found;
}
