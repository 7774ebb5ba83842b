import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import { startServer } from "../../src/server/startServer.js";
import { LLAMA_KEY, PHI3_KEY, serverHome } from "../fixtures/serverHome.js";
import { collect, startCli } from "./runCli.js";

// What only real runner processes show: a runner killed under a request takes down only its own
// model, and a SIGTERM leaves no runner behind. The scheduler's rules (queue, 503, JIT load, LRU,
// TTL, load progress) are in test/server/scheduling and src/engine/Scheduler.test.ts.
const QUESTION = [{ role: "user", content: "where is taiwan" }];

describe("crash isolation", () => {
	it("a runner killed mid-answer ends that answer with an error event, and the server and the other model live on", async () => {
		const server = await startServer({ port: 0, env: await serverHome({ HEARTH_MAX_MODELS: "2" }), print: () => {} });
		try {
			const client = new HearthClient(server.url);
			const chat = (model: string, body: Record<string, unknown>) =>
				fetch(`${server.url}/v1/chat/completions`, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ model, messages: QUESTION, ...body }),
				});
			expect((await chat(LLAMA_KEY, { max_tokens: 1 })).status).toBe(200);
			const streaming = await chat(PHI3_KEY, { stream: true, max_tokens: 3000, temperature: 0 });
			expect(streaming.status).toBe(200);
			const reader = streaming.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
			const decoder = new TextDecoder();
			let text = decoder.decode((await reader.read()).value);
			const pids = new Map((await client.loaded()).map((m) => [m.id, m.pid]));
			process.kill(pids.get(PHI3_KEY) as number, "SIGKILL");
			for (let next = await reader.read(); !next.done; next = await reader.read()) text += decoder.decode(next.value);
			const last = JSON.parse(
				text
					.trimEnd()
					.split("\n\n")
					.at(-1)
					?.replace(/^data: /, "") ?? "",
			);
			expect(last).toMatchObject({ error: { code: "runner_exited", message: expect.stringContaining("SIGKILL") } });
			expect(text).not.toContain("[DONE]");

			expect((await fetch(`${server.url}/health`)).status).toBe(200);
			expect((await client.loaded()).map((m) => m.id)).toEqual([LLAMA_KEY]);
			const other = await chat(LLAMA_KEY, { max_tokens: 2 });
			expect(other.status).toBe(200);
			expect((await client.loaded()).find((m) => m.id === LLAMA_KEY)?.pid).toBe(pids.get(LLAMA_KEY));
			// The killed model loads again, in a new runner, for the next request.
			const again = await chat(PHI3_KEY, { max_tokens: 2 });
			expect(((await again.json()) as { choices: { finish_reason: string }[] }).choices[0].finish_reason).toBe("length");
			const reloaded = (await client.loaded()).find((m) => m.id === PHI3_KEY);
			expect(reloaded?.pid).not.toBe(pids.get(PHI3_KEY));
		} finally {
			await server.close();
		}
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
