import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import { InvalidModelFileError } from "../../models/InvalidModelFileError.js";
import type { ChatMessage } from "../Engine.js";
import { ModelNotLoadedError } from "../errors/ModelNotLoadedError.js";
import { ModelTooLargeError } from "../errors/ModelTooLargeError.js";
import { RunnerExitedError } from "../errors/RunnerExitedError.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

// What a runner process buys: aborts that stop promptly, a crash that takes down one model and not
// the engine, and files refused before any native code sees them.
const QUESTION: ChatMessage[] = [{ role: "user", content: "where is taiwan" }];
const engine = new LlamaCppEngine({ threads: 1 });
let phi3: string;

beforeAll(async () => {
	phi3 = await testModel({ type: "Q8_0" });
	await engine.load(phi3, { id: "phi3" });
});
afterAll(() => engine.dispose());

describe("abort and isolation", () => {
	it("stops within 500 ms of an abort and keeps what was generated", async () => {
		const controller = new AbortController();
		const generation = engine.chat("phi3", { messages: QUESTION, temperature: 0 }, { signal: controller.signal });
		let abortedAt = 0;
		for await (const _ of generation) {
			if (!abortedAt) {
				abortedAt = performance.now();
				controller.abort();
			}
		}
		const { text, stats } = await generation;
		expect(performance.now() - abortedAt).toBeLessThan(500);
		expect(stats.stopReason).toBe("user_stopped");
		expect(text.length).toBeGreaterThan(0);
		// The model is free again at once.
		expect((await engine.chat("phi3", { messages: QUESTION, maxTokens: 3 })).stats.generatedTokens).toBe(3);
	});

	it("fails the request in flight when the runner is killed, reports the model unloaded, and loads again", async () => {
		const path = await testModel({ type: "Q4_0", seed: 9 });
		const model = await engine.load(path, { id: "victim" });
		const unloaded: string[] = [];
		const off = engine.onUnload((id, reason) => unloaded.push(`${id}:${reason}`));
		const generation = engine.chat("victim", { messages: QUESTION, temperature: 0 });
		for await (const _ of generation) {
			process.kill(model.pid, "SIGKILL");
			break;
		}
		const error = await generation.then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(RunnerExitedError);
		expect((error as Error).message).toContain("SIGKILL");
		expect(unloaded).toEqual(["victim:crashed"]);
		expect(engine.listLoaded().map((m) => m.id)).not.toContain("victim");
		expect(() => engine.chat("victim", { messages: QUESTION })).not.toThrow();
		await expect(engine.chat("victim", { messages: QUESTION })).rejects.toBeInstanceOf(ModelNotLoadedError);
		// The other model never noticed.
		expect((await engine.chat("phi3", { messages: QUESTION, maxTokens: 2 })).stats.generatedTokens).toBe(2);
		const again = await engine.load(path, { id: "victim" });
		expect(again.pid).not.toBe(model.pid);
		expect((await engine.chat("victim", { messages: QUESTION, maxTokens: 4 })).stats.generatedTokens).toBe(4);
		off();
		await engine.unload("victim");
	});

	it("refuses a model that will not fit in memory before loading it, saying how much it needs", async () => {
		// A 15-billion-parameter F16 model as a sparse file: a real header, all-zero weights, no disk.
		const huge = await testModel({
			type: "F16",
			shape: "phi3-mini",
			dimensions: { embd: 5120, layers: 40, heads: 40, kvHeads: 40, ff: 17920 },
			sparse: true,
		});
		const error = await engine.load(huge, { id: "huge" }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelTooLargeError);
		expect((error as ModelTooLargeError).neededBytes).toBeGreaterThan(28 * 2 ** 30);
		expect((error as Error).message).toMatch(/needs \d+\.\d GiB of RAM, \d+\.\d GiB available/);
		expect(engine.listLoaded().map((m) => m.id)).not.toContain("huge");
	});

	it("refuses a truncated file before starting a runner", async () => {
		const bytes = await readFile(phi3);
		const truncated = join(tmpdir(), `hearth-truncated-${process.pid}.gguf`);
		writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
		await expect(engine.load(truncated)).rejects.toBeInstanceOf(InvalidModelFileError);
		expect(engine.listLoaded().map((m) => m.path)).not.toContain(truncated);
	});
});
