import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { readSetting } from "../src/config/settings.js";
import { LlamaCppEngine } from "../src/engine/llama/LlamaCppEngine.js";
import { promptOfTokens as wordsOfTokens } from "../src/studio/promptOfTokens.js";
import { peakRssBytes } from "../src/util/peakRssBytes.js";
import { phi3MiniBenchModel } from "./benchModel.js";

const PROMPT_TOKENS = 512;
const GENERATED_TOKENS = 128;

/**
 * Engine benchmark: load time, prompt processing (512 tokens), generation (128 tokens), time to
 * first token and the runner's peak RSS, through Hearth's runner process; then the same prompt and
 * generation with node-llama-cpp in this process, to show what the runner adds.
 */
export async function engineBench(args: string[]): Promise<void> {
	const { values } = parseArgs({ args, options: { model: { type: "string" }, threads: { type: "string" } } });
	const modelPath = values.model ?? (await phi3MiniBenchModel());
	const threads = values.threads ? Number(values.threads) : readSetting("threads");
	const engine = new LlamaCppEngine({ threads, onLog: (level, message) => level === "error" && console.error(message) });

	const model = await engine.load(modelPath, { id: "bench", contextLength: 2048 });
	const words = await promptOfTokens(engine, PROMPT_TOKENS);
	// A different first word each time defeats prefix reuse, so the whole prompt is evaluated.
	const pp = await engine.complete("bench", { prompt: `alpha ${words}`, maxTokens: 1, temperature: 0 });
	const gen = await engine.complete("bench", { prompt: "where is taiwan", maxTokens: GENERATED_TOKENS, temperature: 0 });
	const chat = await engine.chat("bench", {
		messages: [{ role: "user", content: "where is taiwan" }],
		maxTokens: 8,
		temperature: 0,
	});
	const peakRss = peakRssBytes(model.pid);
	await engine.dispose();

	const direct = await inProcess(modelPath, model.threads, `beta ${words}`);

	const cpu = cpus()[0]?.model ?? "unknown CPU";
	console.log(`\nengine benchmark — ${modelPath}`);
	console.log(
		`machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; backend ${model.gpu}, ${model.threads} threads`,
	);
	console.table({
		"load (s)": { hearth: round(model.loadTimeMs / 1000, 2), "node-llama-cpp in process": round(direct.loadMs / 1000, 2) },
		[`prompt tok/s (${pp.stats.promptTokens})`]: {
			hearth: round(pp.stats.promptTokens / (pp.stats.timeToFirstTokenMs / 1000), 1),
			"node-llama-cpp in process": round(direct.promptTokens / (direct.promptMs / 1000), 1),
		},
		[`generation tok/s (${GENERATED_TOKENS})`]: {
			hearth: round(gen.stats.tokensPerSecond, 2),
			"node-llama-cpp in process": round(direct.generationTokPerSec, 2),
		},
		"TTFT, short chat (ms)": { hearth: round(chat.stats.timeToFirstTokenMs, 0), "node-llama-cpp in process": "–" },
		"peak RSS of runner (GiB)": {
			hearth: peakRss === undefined ? "n/a" : round(peakRss / 2 ** 30, 2),
			"node-llama-cpp in process": "–",
		},
	});
}

/** Words that make `count` tokens (give or take two) for the loaded model `id`. */
/** A prompt of about `count` tokens for the loaded model `id` (see src/studio/promptOfTokens). */
export function promptOfTokens(engine: LlamaCppEngine, count: number, id = "bench"): Promise<string> {
	return wordsOfTokens(engine, id, count);
}

/** The same work through node-llama-cpp directly, with no runner process in between. */
async function inProcess(modelPath: string, threads: number, prompt: string) {
	let started = performance.now();
	const llama = await getLlama({ gpu: false, build: "never", maxThreads: threads, logLevel: "error" as never });
	const model = await llama.loadModel({ modelPath });
	const context = await model.createContext({ contextSize: 2048, threads });
	const loadMs = performance.now() - started;
	const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
	const tokens = model.tokenize(prompt, true);
	started = performance.now();
	await completion.generateCompletion(tokens, { maxTokens: 1 });
	const promptMs = performance.now() - started;
	let first = 0;
	let count = 0;
	await completion.generateCompletion(model.tokenize("where is taiwan"), {
		maxTokens: GENERATED_TOKENS,
		onToken: (t) => {
			if (count === 0) first = performance.now();
			count += t.length;
		},
	});
	const generationTokPerSec = (count - 1) / ((performance.now() - first) / 1000);
	await context.dispose();
	await model.dispose();
	await llama.dispose();
	return { loadMs, promptTokens: tokens.length, promptMs, generationTokPerSec };
}

function round(n: number, digits: number): number {
	return Number(n.toFixed(digits));
}
