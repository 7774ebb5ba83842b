/**
 * `npm run fuzz [-- --minutes N] [--seed S]`: the GGUF mutation fuzz, for as long as asked (default
 * 10 minutes). Mutated files go through Hearth's own checker, and those it accepts through
 * node-llama-cpp's header reader as readModelInfo uses it: the two gates every untrusted GGUF
 * passes before llama.cpp sees it. Anything but a clean refusal (GgufFormatError,
 * InvalidModelFileError) is a failure, printed with the seed and path that replay it. `npm test`
 * runs a short fixed-seed version (src/models/gguf/checkGguf.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { bufferSource } from "../../src/models/gguf/ByteSource.js";
import { checkGguf } from "../../src/models/gguf/checkGguf.js";
import { GgufFormatError } from "../../src/models/gguf/GgufFormatError.js";
import { InvalidModelFileError } from "../../src/models/InvalidModelFileError.js";
import { readModelInfo } from "../../src/models/readModelInfo.js";
import { ggufMutations, mutateGguf } from "../fixtures/gguf/ggufMutation.js";
import { testModel } from "../fixtures/testModel.js";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "10" }, seed: { type: "string" } } });
const minutes = Number(values.minutes);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const original = readFileSync(await testModel({ type: "Q4_0" }));
const scratch = join(mkdtempSync(join(tmpdir(), "hearth-fuzz-")), "mutated.gguf");
const problems = new Map<string, number>();
let runs = 0;
let readerRuns = 0;
const started = Date.now();

const result = await fc.check(
	fc.asyncProperty(ggufMutations(original.length, 40_000), async (changes) => {
		runs++;
		const bytes = mutateGguf(original, changes);
		try {
			checkGguf(bufferSource(bytes), "mutated.gguf");
		} catch (error) {
			if (!(error instanceof GgufFormatError)) throw error;
			problems.set(error.problem, (problems.get(error.problem) ?? 0) + 1);
			return;
		}
		// Past our checker: node-llama-cpp's parser must refuse or read it, never throw something else.
		readerRuns++;
		writeFileSync(scratch, bytes);
		await readModelInfo(scratch).catch((error: unknown) => {
			if (!(error instanceof InvalidModelFileError)) throw error;
		});
	}),
	{ seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: minutes * 60_000, markInterruptAsFailure: false },
);

const seconds = (Date.now() - started) / 1000;
console.log(`GGUF fuzz: ${runs} mutated files in ${seconds.toFixed(0)} s (${(runs / seconds).toFixed(0)}/s), seed ${seed}`);
console.log(`  refused by Hearth's checker: ${[...problems].map(([p, n]) => `${p} ${n}`).join(", ")}`);
console.log(`  passed on to node-llama-cpp's reader: ${readerRuns}`);
if (result.failed) {
	console.log(`FAILED: ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`);
	console.log(`  replay: npm run fuzz -- --seed ${seed}  (counterexample path ${result.counterexamplePath})`);
	writeFileSync("fuzz-counterexample.gguf", mutateGguf(original, result.counterexample?.[0] ?? []));
	console.log("  the file is in fuzz-counterexample.gguf");
	process.exit(1);
}
