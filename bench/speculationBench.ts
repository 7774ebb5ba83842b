import { existsSync, mkdirSync, renameSync } from "node:fs";
import { cpus, homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readSetting } from "../src/config/settings.js";
import type { GenerationStats, LoadOptions } from "../src/engine/Engine.js";
import { LlamaCppEngine } from "../src/engine/llama/LlamaCppEngine.js";
import { generateTestModel } from "../test/fixtures/gguf/generateTestModel.js";
import { phi3MiniBenchModel } from "./benchModel.js";
import { promptOfTokens } from "./engineBench.js";

const PROMPT_TOKENS = 128;
const GENERATED_TOKENS = 128;
const REPS = 3;

/**
 * Speculative decoding on this machine: generation speed (median of three) of the Phi-3-mini-shaped
 * model without drafting, with prompt lookup (on a prompt the answer does not repeat, and on one
 * that holds the model's own answer), with an unrelated tiny draft model of the same vocabulary
 * (drafts nearly always refused: the cost of drafting badly), and drafting for itself (every draft
 * accepted, but the draft costs as much as the model: the cost of verifying). Random weights write
 * no real text, so what a real draft model gains is not measurable here; the costs are.
 */
export async function speculationBench(args: string[]): Promise<void> {
	const { values } = parseArgs({ args, options: { model: { type: "string" }, threads: { type: "string" } } });
	const modelPath = values.model ?? (await phi3MiniBenchModel());
	const threads = values.threads ? Number(values.threads) : readSetting("threads");
	const draft = await tinyDraftModel();
	const engine = new LlamaCppEngine({ threads, kvCache: { ramMb: 0, diskMb: 0 }, onLog: () => {} });
	const load = (id: string, options: LoadOptions) =>
		engine.load(modelPath, { id, contextLength: 1024, flashAttention: false, ...options });
	try {
		await load("plain", { promptLookup: false });
		const free = await promptOfTokens(engine, PROMPT_TOKENS, "plain");
		const own = (await engine.complete("plain", { prompt: free, maxTokens: GENERATED_TOKENS, temperature: 0 })).text;
		const repeating = `${free}${own} ${free}`;
		const rows: Record<string, Row> = {};
		rows["no drafting"] = await measure(engine, "plain", free);
		rows["no drafting, repeating prompt"] = await measure(engine, "plain", repeating);
		await engine.unload("plain");
		await load("lookup", { promptLookup: true });
		rows["prompt lookup"] = await measure(engine, "lookup", free);
		rows["prompt lookup, repeating prompt"] = await measure(engine, "lookup", repeating);
		await engine.unload("lookup");
		await load("unrelated", { promptLookup: false, draftModelPath: draft, draftMinConfidence: 0 });
		rows["unrelated tiny draft"] = await measure(engine, "unrelated", free);
		await engine.unload("unrelated");
		await load("self", { promptLookup: false, draftModelPath: modelPath, draftMinConfidence: 0 });
		rows["itself as draft"] = await measure(engine, "self", free);
		await engine.unload("self");
		print(modelPath, threads, rows);
	} finally {
		await engine.dispose();
	}
}

type Row = Pick<GenerationStats, "tokensPerSecond" | "draftTokens" | "acceptedDraftTokens">;

async function measure(engine: LlamaCppEngine, id: string, prompt: string): Promise<Row> {
	const runs: Row[] = [];
	for (let i = 0; i < REPS; i++) {
		const { stats } = await engine.complete(id, { prompt, maxTokens: GENERATED_TOKENS, temperature: 0 });
		runs.push(stats);
	}
	return runs.sort((a, b) => a.tokensPerSecond - b.tokensPerSecond)[REPS >> 1] as Row;
}

/** A 2-layer model with the benchmark model's vocabulary (the toy vocabulary of the same size), cached beside it. */
async function tinyDraftModel(): Promise<string> {
	const dir = process.env.HEARTH_BENCH_MODELS ?? join(homedir(), ".cache", "hearth", "bench-models");
	const path = join(dir, "phi3-tiny-draft-32064-q8_0-v1.gguf");
	if (existsSync(path)) return path;
	mkdirSync(dir, { recursive: true });
	await generateTestModel(`${path}.part`, { type: "Q8_0", seed: 2, dimensions: { vocab: 32064 }, name: "Phi-3 tiny draft" });
	renameSync(`${path}.part`, path);
	return path;
}

function print(modelPath: string, threads: number | undefined, rows: Record<string, Row>) {
	const plain = rows["no drafting"]?.tokensPerSecond ?? 1;
	console.log(`\nspeculative-decoding benchmark — ${modelPath}`);
	console.log(
		`machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores; ${threads ?? "default"} threads; ${PROMPT_TOKENS}-token prompt, ${GENERATED_TOKENS} tokens, median of ${REPS}`,
	);
	console.table(
		Object.fromEntries(
			Object.entries(rows).map(([name, r]) => [
				name,
				{
					"tg (tok/s)": Math.round(r.tokensPerSecond * 100) / 100,
					"× no drafting": Math.round((r.tokensPerSecond / plain) * 100) / 100,
					drafted: r.draftTokens ?? "–",
					accepted: r.acceptedDraftTokens ?? "–",
				},
			]),
		),
	);
}
