import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { generateTestModel } from "../test/fixtures/gguf/generateTestModel.js";

/**
 * The Phi-3-mini-shaped benchmark model (3072 hidden, 32 layers, 32 heads, 8192 ff, 32064 vocab,
 * Q4_0, ~2.1 GB), generated once and cached outside the repository.
 */
export async function phi3MiniBenchModel(): Promise<string> {
	const dir = process.env.HEARTH_BENCH_MODELS ?? join(homedir(), ".cache", "hearth", "bench-models");
	const path = join(dir, "phi3-mini-shape-q4_0-v1.gguf");
	if (existsSync(path)) return path;
	mkdirSync(dir, { recursive: true });
	console.log(`generating ${path} (about 2.1 GB, once)…`);
	const started = performance.now();
	const partial = `${path}.part`;
	await generateTestModel(partial, { shape: "phi3-mini", type: "Q4_0", seed: 1, name: "Phi-3 mini shaped benchmark" });
	renameSync(partial, path);
	console.log(
		`generated ${(statSync(path).size / 2 ** 30).toFixed(2)} GiB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
	);
	return path;
}
