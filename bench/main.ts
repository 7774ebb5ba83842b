/**
 * `npm run bench -- <name> [options]`: benchmarks print numbers, they never pass or fail.
 * Run them on an idle machine: anything else on the cores (a build, tests) skews the results.
 */
import { attentionBench } from "./attentionBench.js";
import { downloadBench } from "./downloadBench.js";
import { engineBench } from "./engineBench.js";
import { fitBench } from "./fitBench.js";
import { modelsBench } from "./modelsBench.js";
import { serverBench } from "./serverBench.js";
import { speculationBench } from "./speculationBench.js";

const benches: Record<string, (args: string[]) => Promise<void>> = {
	engine: engineBench,
	attention: attentionBench,
	models: modelsBench,
	fit: fitBench,
	download: downloadBench,
	server: serverBench,
	speculation: speculationBench,
};

const [name = "engine", ...rest] = process.argv.slice(2);
const bench = benches[name];
if (!bench) {
	console.error(`unknown benchmark "${name}"; available: ${Object.keys(benches).join(", ")}`);
	process.exit(1);
}
await bench(rest);
