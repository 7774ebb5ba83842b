import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["src/**/*.test.ts", "test/**/*.test.ts"],
		// Tests load real models in runner processes; two cores, so two test files at a time.
		pool: "forks",
		maxWorkers: 2,
		minWorkers: 1,
		testTimeout: 60_000,
		hookTimeout: 60_000,
	},
});
