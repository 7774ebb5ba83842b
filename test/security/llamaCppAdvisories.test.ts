import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";

interface Advisory {
	id: string;
	summary: string;
	fixedIn: string;
	fixedOn: string;
}

const list = JSON.parse(readFileSync(new URL("../../security/llama-cpp-advisories.json", import.meta.url), "utf8")) as {
	advisories: Advisory[];
};

/** The commit date of the llama.cpp source node-llama-cpp ships (its gitRelease.bundle, one squashed commit). */
function bundledLlamaCppDate(): Date {
	const root = dirname(dirname(createRequire(import.meta.url).resolve("node-llama-cpp")));
	const bundle = join(root, "llama", "gitRelease.bundle");
	const repo = mkdtempSync(join(tmpdir(), "hearth-llama-bundle-"));
	try {
		const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
		git("init", "-q");
		git("fetch", "-q", bundle, "HEAD");
		return new Date(git("log", "-1", "--format=%cI", "FETCH_HEAD"));
	} finally {
		rmSync(repo, { recursive: true, force: true });
	}
}

it("the bundled llama.cpp has every GGUF and tokenizer security fix in security/llama-cpp-advisories.json", () => {
	const bundled = bundledLlamaCppDate();
	expect(Number.isNaN(bundled.getTime())).toBe(false);
	const missing = list.advisories.filter((a) => new Date(`${a.fixedOn}T23:59:59Z`) > bundled);
	expect(missing.map((a) => `${a.id} (fixed in ${a.fixedIn}, ${a.fixedOn}): ${a.summary}`)).toEqual([]);
});

it("every advisory entry is complete", () => {
	for (const a of list.advisories) {
		expect(a.id && a.summary && a.fixedIn).toBeTruthy();
		expect(a.fixedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	}
});
