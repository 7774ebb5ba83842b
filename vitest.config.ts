import { tmpdir } from "node:os";
import { join } from "node:path";
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
		// A test that names no home of its own must never write to the user's ~/.hearth.
		env: { HEARTH_HOME: join(tmpdir(), "hearth-test-home") },
	},
});
