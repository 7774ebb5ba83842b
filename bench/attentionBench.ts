import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readSetting } from "../src/config/settings.js";
import type { LoadedModel } from "../src/engine/Engine.js";
import { LlamaCppEngine } from "../src/engine/llama/LlamaCppEngine.js";
import { phi3MiniBenchModel } from "./benchModel.js";
import { promptOfTokens } from "./engineBench.js";

const DEEP_PROMPT_TOKENS = 500;
const GENERATED_TOKENS = 32;
const REPS = 3;

/**
 * Flash attention on the CPU: what Hearth's load-time probe chooses, and generation speed (median of
 * three) after a short prompt and after a 500-token one with it on (llama.cpp's "auto", llama-server's default),
 * off, and as chosen — side by side, in one run, on a fresh home so the probe really runs.
 */
export async function attentionBench(args: string[]): Promise<void> {
	const { values } = parseArgs({ args, options: { model: { type: "string" }, threads: { type: "string" } } });
	const modelPath = values.model ?? (await phi3MiniBenchModel());
	const threads = values.threads ? Number(values.threads) : readSetting("threads");
	const home = mkdtempSync(join(tmpdir(), "hearth-bench-attention-"));
	const engine = new LlamaCppEngine({ threads, home, onLog: (level, message) => level === "error" && console.error(message) });
	try {
		const probed = await engine.load(modelPath, { id: "probed", contextLength: 2048 });
		const words = await promptOfTokens(engine, DEEP_PROMPT_TOKENS, "probed");
		const chosen = await speeds(engine, "probed", words);
		await engine.unload("probed");
		const fixed: Record<string, { short: number; deep: number }> = {};
		for (const flashAttention of [true, false]) {
			await engine.load(modelPath, { id: "fixed", contextLength: 2048, flashAttention });
			fixed[flashAttention ? "on" : "off"] = await speeds(engine, "fixed", words);
			await engine.unload("fixed");
		}
		print(modelPath, probed, chosen, fixed);
	} finally {
		await engine.dispose();
		rmSync(home, { recursive: true, force: true });
	}
}

/** Median generation speed of REPS answers after each prompt; the prompt is evaluated once and then reused from the cache. */
async function speeds(engine: LlamaCppEngine, id: string, words: string) {
	const median = async (prompt: string) => {
		const runs: number[] = [];
		for (let i = 0; i < REPS; i++)
			runs.push((await engine.complete(id, { prompt, maxTokens: GENERATED_TOKENS, temperature: 0 })).stats.tokensPerSecond);
		return runs.sort((a, b) => a - b)[REPS >> 1];
	};
	return { short: await median("where is taiwan"), deep: await median(words) };
}

function print(
	modelPath: string,
	probed: LoadedModel,
	chosen: { short: number; deep: number },
	fixed: Record<string, { short: number; deep: number }>,
) {
	const choice = probed.flashAttention;
	const on = fixed.on;
	console.log(`\nflash-attention benchmark — ${modelPath}`);
	console.log(
		`machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores; backend ${probed.gpu}, ${probed.threads} threads`,
	);
	console.log(
		`probe: ${choice.enabled ? "on" : "off"} (predicted ${choice.probe?.onTokensPerSecond.toFixed(1)} tok/s on vs ${choice.probe?.offTokensPerSecond.toFixed(1)} off at depth ${choice.probe?.decidedAtDepth}), took ${((choice.probe?.probeMs ?? 0) / 1000).toFixed(1)} s of a ${(probed.loadTimeMs / 1000).toFixed(1)} s first load`,
	);
	const row = (s: { short: number; deep: number }) => ({
		"tg after a short prompt (tok/s)": round(s.short),
		[`tg after ${DEEP_PROMPT_TOKENS} tokens (tok/s)`]: round(s.deep),
		"× llama.cpp auto, deep": round(s.deep / on.deep),
	});
	console.table({
		"on (llama.cpp auto, llama-server default)": row(on),
		off: row(fixed.off),
		[`Hearth's choice (${choice.enabled ? "on" : "off"})`]: row(chosen),
	});
}

function round(n: number): number {
	return Number(n.toFixed(2));
}
