import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LlamaCppEngine } from "../src/engine/llama/LlamaCppEngine.js";
import { startServer } from "../src/server/startServer.js";
import { phi3MiniBenchModel } from "./benchModel.js";

const MESSAGES = [{ role: "user" as const, content: "where is taiwan" }];

/**
 * Streaming /v1/chat/completions against the engine in process, on the same model: tokens per
 * second and time to first token for one stream, then aggregate tokens per second of 1, 2 and 4
 * concurrent streams.
 */
export async function serverBench(args: string[]): Promise<void> {
	const { values } = parseArgs({ args, options: { model: { type: "string" }, tokens: { type: "string", default: "64" } } });
	const tokens = Number(values.tokens);
	const modelPath = values.model ?? (await phi3MiniBenchModel());
	const home = mkdtempSync(join(tmpdir(), "hearth-bench-server-"));
	mkdirSync(join(home, "models", "bench", "model"), { recursive: true });
	symlinkSync(modelPath, join(home, "models", "bench", "model", "model.gguf"));
	const key = "bench/model/model.gguf";

	const engine = new LlamaCppEngine();
	await engine.load(modelPath, { id: "direct", contextLength: 2048 });
	await engine.chat("direct", { messages: MESSAGES, maxTokens: 4, temperature: 0 });
	const direct = await engine.chat("direct", { messages: MESSAGES, maxTokens: tokens, temperature: 0, seed: 1 });
	await engine.dispose();

	const server = await startServer({
		port: 0,
		env: { HEARTH_HOME: home, HEARTH_OTHER_APPS: "off", HEARTH_CONTEXT_LENGTH: "2048", HEARTH_LOG_LEVEL: "error" },
		print: () => {},
	});
	const stream = async (seed: number) => {
		const started = performance.now();
		const response = await fetch(`${server.url}/v1/chat/completions`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				model: key,
				messages: MESSAGES,
				max_tokens: tokens,
				temperature: 0,
				seed,
				stream: true,
				stream_options: { include_usage: true },
			}),
		});
		let first = 0;
		let usage = 0;
		let buffered = "";
		const decoder = new TextDecoder();
		for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
			buffered += decoder.decode(chunk, { stream: true });
			const events = buffered.split("\n\n");
			buffered = events.pop() ?? "";
			for (const event of events) {
				if (!event.startsWith("data: {")) continue;
				const data = JSON.parse(event.slice(6)) as {
					choices: { delta: { content?: string } }[];
					usage?: { completion_tokens: number };
				};
				if (!first && data.choices[0]?.delta.content) first = performance.now();
				if (data.usage) usage = data.usage.completion_tokens;
			}
		}
		const ended = performance.now();
		return {
			ttftMs: first - started,
			tokens: usage,
			seconds: (ended - started) / 1000,
			genTokPerSec: (usage - 1) / ((ended - first) / 1000),
		};
	};
	await stream(0); // load and warm up
	const one = await stream(1);
	const rows: Record<string, Record<string, number>> = {
		"engine in process": { "tok/s": round(direct.stats.tokensPerSecond), "TTFT ms": Math.round(direct.stats.timeToFirstTokenMs) },
		"HTTP stream": { "tok/s": round(one.genTokPerSec), "TTFT ms": Math.round(one.ttftMs) },
	};
	for (const n of [1, 2, 4]) {
		const started = performance.now();
		const results = await Promise.all(Array.from({ length: n }, (_, i) => stream(10 + i)));
		const seconds = (performance.now() - started) / 1000;
		rows[`${n} concurrent streams`] = {
			"tok/s": round(results.reduce((sum, r) => sum + r.tokens, 0) / seconds),
			"TTFT ms": Math.round(Math.max(...results.map((r) => r.ttftMs))),
		};
	}
	await server.close();
	console.log(`\nserver benchmark — ${modelPath}, ${tokens} tokens a stream (concurrent rows: aggregate tok/s, slowest TTFT)`);
	console.table(rows);
}

function round(n: number): number {
	return Number(n.toFixed(2));
}
