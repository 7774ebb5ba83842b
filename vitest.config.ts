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
		// Nor keep KV states there (or on /dev/shm) for later tests to find: tests of that cache turn it on.
		env: { HEARTH_HOME: join(tmpdir(), "hearth-test-home"), HEARTH_KV_CACHE_RAM_MB: "0", HEARTH_KV_CACHE_DISK_MB: "0" },
	},
});
