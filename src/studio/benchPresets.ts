import type { TuneObjective } from "../api/native/NativeBench.js";
import type { BenchPreset } from "../api/native/NativeMeasure.js";
import type { BenchPlan } from "./benchModel.js";
import type { BenchWork } from "./runBench.js";
import { threadCandidates } from "./tuneModel.js";

/** What each preset of the UI's Bench view measures (see BenchPreset). */
export function benchPreset(
	preset: BenchPreset,
	cores: number,
	objective: TuneObjective = "generation",
): { plan: BenchPlan; work: BenchWork } {
	switch (preset) {
		case "quick":
			return {
				plan: { kind: "grid", grid: { threads: [undefined], ctx: [undefined], batch: [undefined], parallel: [1] } },
				work: { promptTokens: 256, generatedTokens: 32, reps: 1 },
			};
		case "full":
			return {
				plan: {
					kind: "grid",
					grid: { threads: threadCandidates(cores), ctx: [undefined], batch: [undefined], parallel: [1, 2, 4] },
				},
				// Once per setting after a 256-token prompt: 4 streams × 512 tokens × 2 reps took over 15
				// minutes for Phi-3-mini on 2 cores; this finishes in about 4.
				work: { promptTokens: 256, generatedTokens: 64, reps: 1 },
			};
		case "tune":
			return { plan: { kind: "tune", objective }, work: { promptTokens: 512, generatedTokens: 32, reps: 1 } };
	}
}
