import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { LlamaCppEngine } from "../src/engine/llama/LlamaCppEngine.js";
import { readModelInfo } from "../src/models/readModelInfo.js";
import { testModel } from "../test/fixtures/testModel.js";
import { phi3MiniBenchModel } from "./benchModel.js";

const GiB = 2 ** 30;

/**
 * Memory estimate (node-llama-cpp's insights + the runner's base) against the runner's measured
 * peak RSS, for generated models of a few sizes, at one context length.
 */
export async function fitBench(args: string[]): Promise<void> {
	const { values } = parseArgs({ args, options: { ctx: { type: "string", default: "4096" } } });
	const contextLength = Number(values.ctx);
	const models: [string, string][] = [
		["tiny phi3 F32 (0.8 MB)", await testModel({ type: "F32" })],
		[
			"phi3 1.3B-shape Q8_0",
			await testModel({
				shape: "phi3-mini",
				type: "Q8_0",
				dimensions: { embd: 2048, layers: 16, heads: 16, kvHeads: 16, ff: 5632 },
				seed: 4,
			}),
		],
		["Phi-3-mini shape Q4_0 (2.0 GiB)", await phi3MiniBenchModel()],
	];
	const engine = new LlamaCppEngine();
	const rows: Record<string, Record<string, string | number>> = {};
	for (const [name, path] of models) {
		const { memory } = await readModelInfo(path, { contextLength });
		const model = await engine.load(path, { id: name, contextLength });
		await engine.complete(name, { prompt: "where is taiwan", maxTokens: 16, temperature: 0 });
		const rss = peakRss(model.pid);
		await engine.unload(name);
		rows[name] = {
			"estimate (GiB)": (memory.cpuOnlyRamBytes / GiB).toFixed(3),
			"measured peak RSS (GiB)": (rss / GiB).toFixed(3),
			"error %": (((memory.cpuOnlyRamBytes - rss) / rss) * 100).toFixed(1),
		};
	}
	await engine.dispose();
	console.log(`\nfit benchmark — CPU, context ${contextLength}, weights read (not mapped)`);
	console.table(rows);
}

function peakRss(pid: number): number {
	const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/);
	return match ? Number(match[1]) * 1024 : Number.NaN;
}
