import type { MiddlewareHandler } from "hono";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { GenerationStats } from "../engine/Engine.js";
import type { Scheduler } from "../engine/Scheduler.js";
import type { DownloadJob, DownloadManager } from "../hub/DownloadManager.js";
import { procStatusBytes } from "../util/procStatusBytes.js";

/** The dialect a path belongs to, as its requests are counted. */
export function dialectOf(path: string): string {
	if (path === "/v1/messages" || path.startsWith("/v1/messages/")) return "anthropic";
	if (path.startsWith("/v1/") || path.startsWith("/rerank") || path.startsWith("/reranking")) return "openai";
	if (path.startsWith("/api/v0/")) return "lmstudio";
	if (path.startsWith("/api/")) return "ollama";
	if (path.startsWith("/hearth/")) return "native";
	if (path === "/metrics" || path === "/health") return "ops";
	return "ui";
}

/**
 * The server's Prometheus metrics (prom-client), read at `GET /metrics` in the text exposition
 * format. Counters and histograms are fed as requests and generations finish; the gauges (queues,
 * loaded models, runner memory, KV cache cells) are read from the scheduler and engine at scrape
 * time, so they are never stale. Labels stay bounded: routes are Hono's patterns, not raw paths,
 * and "none" for a request no route answered.
 */
export class Metrics {
	readonly registry = new Registry();
	private readonly requests = new Counter({
		name: "hearth_http_requests_total",
		help: "HTTP requests answered, by dialect, route pattern and status",
		labelNames: ["dialect", "route", "status"] as const,
		registers: [this.registry],
	});
	private readonly promptTokens = this.counter("hearth_prompt_tokens_total", "Prompt tokens of finished generations");
	private readonly cachedPromptTokens = this.counter(
		"hearth_cached_prompt_tokens_total",
		"Prompt tokens reused from a sequence's cache or a kept KV state, not evaluated again",
	);
	private readonly generatedTokens = this.counter("hearth_generated_tokens_total", "Tokens generated");
	private readonly timeToFirstToken = new Histogram({
		name: "hearth_time_to_first_token_seconds",
		help: "Time from a request reaching the engine to its first generated token",
		labelNames: ["model"] as const,
		buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
		registers: [this.registry],
	});
	private readonly tokensPerSecond = new Histogram({
		name: "hearth_generation_tokens_per_second",
		help: "Generation speed of each answer (tokens after the first, per second since it)",
		labelNames: ["model"] as const,
		buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
		registers: [this.registry],
	});
	private readonly downloadBytes = new Counter({
		name: "hearth_download_bytes_total",
		help: "Model bytes received from the hub (resumed bytes not counted again)",
		registers: [this.registry],
	});
	private readonly downloadFailures = new Counter({
		name: "hearth_download_failures_total",
		help: "Downloads that failed (cancelled ones not counted)",
		registers: [this.registry],
	});

	constructor(scheduler: Scheduler, downloads: DownloadManager) {
		collectDefaultMetrics({ register: this.registry });
		const perModel = (name: string, help: string, read: (set: (model: string, value: number) => void) => Promise<void> | void) =>
			new Gauge({
				name,
				help,
				labelNames: ["model"] as const,
				registers: [this.registry],
				async collect() {
					this.reset();
					await read((model, value) => this.set({ model }, value));
				},
			});
		new Gauge({
			name: "hearth_loaded_models",
			help: "Models in memory",
			registers: [this.registry],
			collect() {
				this.set(scheduler.list().length);
			},
		});
		perModel("hearth_in_flight_requests", "Requests generating or waiting, per model", (set) => {
			for (const m of scheduler.list()) set(m.id, m.inFlight);
		});
		perModel("hearth_queued_requests", "Requests waiting for one of the model's sequences", (set) => {
			for (const m of scheduler.list()) set(m.id, m.queued);
		});
		perModel("hearth_runner_resident_memory_bytes", "Resident memory of the model's runner process (Linux)", (set) => {
			for (const m of scheduler.list()) {
				const bytes = procStatusBytes(m.pid, "VmRSS");
				if (bytes !== undefined) set(m.id, bytes);
			}
		});
		const kvUse = async () =>
			Promise.all(
				scheduler.list().map(async (m) => ({ id: m.id, use: await scheduler.engine.kvCacheUse(m.id).catch(() => undefined) })),
			);
		perModel("hearth_kv_cache_used_cells", "KV cache cells holding tokens, over the model's sequences", async (set) => {
			for (const { id, use } of await kvUse()) if (use) set(id, use.usedCells);
		});
		perModel("hearth_kv_cache_cells", "KV cache cells of the model's sequences in all", async (set) => {
			for (const { id, use } of await kvUse()) if (use) set(id, use.totalCells);
		});
		downloads.onStart((job) => this.watch(job));
	}

	/** Counts every request by dialect, route pattern and status, once its response has started. */
	middleware(): MiddlewareHandler {
		return async (c, next) => {
			await next();
			// Refused before any route (the gate, the body limit) or by none (404): no pattern to name.
			const route = c.res.status >= 400 && c.req.routePath.endsWith("*") ? "none" : c.req.routePath;
			this.requests.inc({ dialect: dialectOf(c.req.path), route, status: String(c.res.status) });
		};
	}

	observeGeneration(model: string, stats: GenerationStats): void {
		this.promptTokens.inc({ model }, stats.promptTokens);
		this.cachedPromptTokens.inc({ model }, stats.cachedPromptTokens);
		this.generatedTokens.inc({ model }, stats.generatedTokens);
		if (stats.generatedTokens > 0) this.timeToFirstToken.observe({ model }, stats.timeToFirstTokenMs / 1000);
		if (stats.generatedTokens > 1) this.tokensPerSecond.observe({ model }, stats.tokensPerSecond);
	}

	/** The exposition text, and its content type. */
	async exposition(): Promise<{ text: string; contentType: string }> {
		return { text: await this.registry.metrics(), contentType: this.registry.contentType };
	}

	private counter(name: string, help: string): Counter<"model"> {
		return new Counter({ name, help, labelNames: ["model"] as const, registers: [this.registry] });
	}

	private watch(job: DownloadJob): void {
		let counted = job.progress.bytes - job.progress.resumedFrom;
		const stop = job.onChange(() => {
			const received = job.progress.bytes - job.progress.resumedFrom;
			if (received > counted) this.downloadBytes.inc(received - counted);
			counted = Math.max(counted, received);
			if (job.state === "downloading") return;
			if (job.state === "failed") this.downloadFailures.inc();
			stop();
		});
	}
}
