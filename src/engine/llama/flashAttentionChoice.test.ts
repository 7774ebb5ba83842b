import { mkdtempSync, readFileSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import type { LoadedModel, LoadProgress } from "../Engine.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

// Flash attention is chosen by measuring both at a model's first load on a machine, then
// remembered; a request or HEARTH_FLASH_ATTENTION wins. The tiny model's speeds mean nothing, so
// this checks the mechanism: a probe runs once, its answer is used and remembered per file.
const engines: LlamaCppEngine[] = [];
const engineIn = (home: string) => {
	const engine = new LlamaCppEngine({ threads: 1, home });
	engines.push(engine);
	return engine;
};
afterEach(async () => {
	delete process.env.HEARTH_FLASH_ATTENTION;
	await Promise.all(engines.splice(0).map((e) => e.dispose()));
});

const loadOnce = async (engine: LlamaCppEngine, path: string, options: { flashAttention?: boolean } = {}) => {
	const seen: LoadProgress[] = [];
	const loaded = await engine.load(path, { id: "fa", ...options }, { onLoadProgress: (p) => seen.push(p) });
	await engine.unload("fa");
	return { loaded, stages: seen.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]) };
};

describe("the flash-attention choice", () => {
	it("is measured at a model's first load, shown as a stage, and remembered by the next engine on the same home", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-fa-"));
		const path = await testModel({ type: "Q8_0" });
		const first = await loadOnce(engineIn(home), path);
		expect(first.stages).toEqual(["starting", "weights", "tuning", "context"]);
		const choice: LoadedModel["flashAttention"] = first.loaded.flashAttention;
		expect(choice.chosenBy).toBe("measured");
		expect(choice.probe?.onTokensPerSecond).toBeGreaterThan(0);
		expect(choice.probe?.offTokensPerSecond).toBeGreaterThan(0);
		expect(choice.enabled).toBe((choice.probe?.onTokensPerSecond ?? 0) >= (choice.probe?.offTokensPerSecond ?? 0) * 0.95);
		const saved = JSON.parse(readFileSync(join(home, "cache", "flash-attention.json"), "utf8")) as { probes: object };
		expect(Object.values(saved.probes)).toHaveLength(1);

		const again = await loadOnce(engineIn(home), path);
		expect(again.stages).toEqual(["starting", "weights", "context"]);
		expect(again.loaded.flashAttention).toEqual({ ...choice, chosenBy: "remembered" });
	});

	it("is measured again when the file changes", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-fa-"));
		const path = await testModel({ type: "Q8_0", seed: 11 });
		await loadOnce(engineIn(home), path);
		const later = new Date(Date.now() + 5000);
		utimesSync(path, later, later);
		expect((await loadOnce(engineIn(home), path)).loaded.flashAttention.chosenBy).toBe("measured");
	});

	it("yields to the load's own flashAttention, then to HEARTH_FLASH_ATTENTION, without a probe", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-fa-"));
		const path = await testModel({ type: "Q8_0" });
		const engine = engineIn(home);
		const asked = await loadOnce(engine, path, { flashAttention: true });
		expect(asked.loaded.flashAttention).toEqual({ enabled: true, chosenBy: "request" });
		expect(asked.stages).not.toContain("tuning");
		process.env.HEARTH_FLASH_ATTENTION = "off";
		const set = await loadOnce(engine, path);
		expect(set.loaded.flashAttention).toEqual({ enabled: false, chosenBy: "setting" });
		expect(set.stages).not.toContain("tuning");
	});
});
