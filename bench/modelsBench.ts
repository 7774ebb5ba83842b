import { linkSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ModelStore } from "../src/models/ModelStore.js";
import { testModel } from "../test/fixtures/testModel.js";

/** Listing N models: the first scan reads every header, later ones come from the cache. */
export async function modelsBench(args: string[]): Promise<void> {
	const { values } = parseArgs({ args, options: { count: { type: "string", default: "200" } } });
	const count = Number(values.count);
	const home = mkdtempSync(join(tmpdir(), "hearth-bench-models-"));
	try {
		const source = await testModel({ type: "Q4_0" });
		for (let i = 0; i < count; i++) {
			const dir = join(home, "models", `publisher${i % 20}`, `repo-${i}-GGUF`);
			mkdirSync(dir, { recursive: true });
			linkSync(source, join(dir, `model-${i}-Q4_0.gguf`));
		}
		const env = { HEARTH_HOME: home, HEARTH_OTHER_APPS: "off" };
		const time = async () => {
			const started = performance.now();
			const models = await new ModelStore(env).list();
			return { ms: performance.now() - started, n: models.length };
		};
		const cold = await time();
		const warm = [await time(), await time(), await time()];
		console.log(`\nmodels benchmark — ${count} models (tiny phi3 Q4_0 files, ~1000-token vocabulary)`);
		console.table({
			"first listing (headers read)": { ms: Math.round(cold.ms), models: cold.n },
			"later listing (cache)": { ms: Math.round(Math.min(...warm.map((w) => w.ms))), models: warm[0].n },
		});
	} finally {
		rmSync(home, { recursive: true, force: true });
	}
}
