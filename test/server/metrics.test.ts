import OpenAI from "openai";
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// GET /metrics after a few requests of each dialect, read back with a Prometheus text parser:
// the counters add up to what the responses themselves reported.
let server: FakeServer;
let hub: FakeHub;
const KEY = "metrics-key";
const auth = { authorization: `Bearer ${KEY}` };

beforeAll(async () => {
	hub = await startFakeHub();
	server = await startFakeServer({
		engine: { tokenDelayMs: 2 },
		env: { HF_ENDPOINT: hub.url },
		server: { apiKey: KEY },
	});
});
afterAll(async () => {
	await server.close();
	await hub.stop();
});

/**
 * The exposition parsed twice: as typed families, and with histograms read as plain samples — the
 * parser folds a histogram's labels away (it keeps only unlabelled ones), so each model's
 * `_count` and `_sum` are read as the untyped series they also are.
 */
async function scrape(): Promise<PrometheusFamily[]> {
	const response = await fetch(`${server.url}/metrics`, { headers: auth });
	expect(response.status).toBe(200);
	expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
	const text = await response.text();
	const typed = parsePrometheusTextFormat(text);
	expect(typed.find((f) => f.name === "hearth_time_to_first_token_seconds")?.type).toBe("HISTOGRAM");
	return [...typed, ...parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ""))];
}

function sample(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}) {
	const family = families.find((f) => f.name === name);
	if (!family) throw new Error(`no metric ${name}`);
	return family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}
const value = (families: PrometheusFamily[], name: string, labels?: Record<string, string>) =>
	Number(sample(families, name, labels)?.value ?? Number.NaN);

describe("GET /metrics", () => {
	it("is behind the API key like every route", async () => {
		const denied = await fetch(`${server.url}/metrics`);
		expect(denied.status).toBe(401);
	});

	it("counts requests by dialect, route and status, and tokens and first-token times by model", async () => {
		const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY });
		let prompt = 0;
		let completion = 0;
		for (const content of ["where is taiwan", "what is the capital of japan"]) {
			const answer = await openai.chat.completions.create({
				model: PHI3_KEY,
				messages: [{ role: "user", content }],
				max_tokens: 5,
			});
			prompt += answer.usage?.prompt_tokens ?? 0;
			completion += answer.usage?.completion_tokens ?? 0;
		}
		const ollama = await fetch(`${server.url}/api/chat`, {
			method: "POST",
			headers: auth,
			body: JSON.stringify({
				model: PHI3_KEY,
				messages: [{ role: "user", content: "hi" }],
				stream: false,
				options: { num_predict: 3 },
			}),
		});
		const ollamaAnswer = (await ollama.json()) as { prompt_eval_count: number; eval_count: number };
		prompt += ollamaAnswer.prompt_eval_count;
		completion += ollamaAnswer.eval_count;
		expect((await fetch(`${server.url}/v1/nowhere`, { headers: auth })).status).toBe(404);
		expect((await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: auth, body: "{" })).status).toBe(400);

		const families = await scrape();
		const requests = (labels: Record<string, string>) => value(families, "hearth_http_requests_total", labels);
		expect(requests({ dialect: "openai", route: "/v1/chat/completions", status: "200" })).toBe(2);
		expect(requests({ dialect: "openai", route: "/v1/chat/completions", status: "400" })).toBe(1);
		expect(requests({ dialect: "ollama", route: "/api/chat", status: "200" })).toBe(1);
		expect(requests({ dialect: "openai", route: "none", status: "404" })).toBe(1);
		expect(requests({ dialect: "ops", route: "none", status: "401" })).toBe(1);

		expect(value(families, "hearth_prompt_tokens_total", { model: PHI3_KEY })).toBe(prompt);
		expect(value(families, "hearth_generated_tokens_total", { model: PHI3_KEY })).toBe(completion);
		expect(value(families, "hearth_cached_prompt_tokens_total", { model: PHI3_KEY })).toBe(0);
		expect(value(families, "hearth_time_to_first_token_seconds_count", { model: PHI3_KEY })).toBe(3);
		expect(value(families, "hearth_time_to_first_token_seconds_sum", { model: PHI3_KEY })).toBeGreaterThan(0);
		expect(value(families, "hearth_time_to_first_token_seconds_bucket", { model: PHI3_KEY, le: "+Inf" })).toBe(3);
		expect(value(families, "hearth_generation_tokens_per_second_count", { model: PHI3_KEY })).toBe(3);
		expect(value(families, "hearth_loaded_models")).toBe(1);
		expect(value(families, "hearth_in_flight_requests", { model: PHI3_KEY })).toBe(0);
		expect(value(families, "hearth_kv_cache_cells", { model: PHI3_KEY })).toBeGreaterThan(0);
		// The process's own metrics come too.
		expect(value(families, "process_resident_memory_bytes")).toBeGreaterThan(0);
	});

	it("shows a request in flight and the KV cells it holds while it streams", async () => {
		const controller = new AbortController();
		const streaming = await fetch(`${server.url}/v1/chat/completions`, {
			method: "POST",
			headers: auth,
			body: JSON.stringify({ model: PHI3_KEY, messages: [{ role: "user", content: "tell me a long story" }], stream: true }),
			signal: controller.signal,
		});
		const reader = streaming.body?.getReader();
		await reader?.read();
		const families = await scrape();
		controller.abort();
		await reader?.cancel().catch(() => {});
		expect(value(families, "hearth_in_flight_requests", { model: PHI3_KEY })).toBe(1);
		expect(value(families, "hearth_queued_requests", { model: PHI3_KEY })).toBe(0);
		expect(value(families, "hearth_kv_cache_used_cells", { model: PHI3_KEY })).toBeGreaterThan(0);
	});

	it("counts downloaded bytes and failed downloads", async () => {
		const before = await scrape();
		const start = (quant: string) =>
			fetch(`${server.url}/hearth/downloads`, {
				method: "POST",
				headers: { ...auth, "content-type": "application/json" },
				body: JSON.stringify({ repo: PHI3_REPO, quant }),
			});
		const wait = async (id: string) => {
			for (;;) {
				const jobs = (await (await fetch(`${server.url}/hearth/downloads`, { headers: auth })).json()) as {
					id: string;
					state: string;
					totalBytes: number;
				}[];
				const job = jobs.find((j) => j.id === id);
				if (job && job.state !== "downloading") return job;
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		};
		hub.faults.set("*", { corrupt: true });
		const failed = await wait(((await (await start("FP16")).json()) as { id: string }).id);
		expect(failed.state).toBe("failed");
		hub.faults.delete("*");
		const done = await wait(((await (await start("FP16")).json()) as { id: string }).id);
		expect(done.state).toBe("done");
		const after = await scrape();
		expect(value(after, "hearth_download_failures_total") - value(before, "hearth_download_failures_total")).toBe(1);
		// The corrupt transfer's bytes came too: both transfers' bytes are counted.
		expect(value(after, "hearth_download_bytes_total") - value(before, "hearth_download_bytes_total")).toBe(2 * done.totalBytes);
	});
});
