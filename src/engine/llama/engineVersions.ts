import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** node-llama-cpp's version and the llama.cpp release it bundles, read from its package. */
export function engineVersions(): { nodeLlamaCpp: string; llamaCpp: string } {
	const require = createRequire(import.meta.url);
	const root = dirname(dirname(require.resolve("node-llama-cpp")));
	const read = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8")) as { version?: string; tag?: string };
	try {
		return {
			nodeLlamaCpp: read("package.json").version ?? "unknown",
			llamaCpp: read("llama/llama.cpp.info.json").tag ?? "unknown",
		};
	} catch {
		return { nodeLlamaCpp: "unknown", llamaCpp: "unknown" };
	}
}
