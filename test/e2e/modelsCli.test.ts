import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type FakeHome, makeFakeHome } from "../fixtures/fakeAppTrees.js";
import { testModel } from "../fixtures/testModel.js";
import { runCli } from "./runCli.js";

let fake: FakeHome;
beforeAll(async () => {
	fake = await makeFakeHome();
});
const cli = (args: string[], input?: string) => runCli(args, { env: fake.env, input });

describe("hearth ls", () => {
	it("lists every model as JSON with source, header facts, fit and invalid reasons", async () => {
		const result = await cli(["ls", "--json"]);
		expect(result.code).toBe(0);
		const models = JSON.parse(result.stdout) as {
			key: string;
			source: string;
			fit?: string;
			invalid?: string;
			info?: { quantization: string };
		}[];
		expect(models.map((m) => m.source)).toEqual(
			expect.arrayContaining(["hearth", "lmstudio", "huggingface", "ollama", "folder"]),
		);
		const phi3 = models.find((m) => m.key === "microsoft/Phi-3-mini-4k-instruct-gguf/Phi-3-mini-4k-instruct-q4.gguf");
		expect(phi3).toMatchObject({ source: "hearth", fit: "fits_without_gpu", info: { quantization: "Q4_0" } });
		expect(models.find((m) => m.key.includes("broken"))?.invalid).toMatch(/magic/);
	});

	it("prints a table a person can read, broken files included", async () => {
		const result = await cli(["ls"]);
		expect(result.code).toBe(0);
		const lines = result.stdout.trim().split("\n");
		expect(lines[0]).toMatch(/^MODEL\s+ARCH\s+PARAMS\s+QUANT\s+SIZE\s+CONTEXT\s+SOURCE\s+STATE\s+FIT$/);
		expect(lines.find((l) => l.startsWith("tinyphi:latest"))).toMatch(/phi3\s+\S+ K\s+Q4_0\s+.*ollama\s+Fits without GPU/);
		expect(lines.find((l) => l.includes("broken"))).toMatch(/invalid: expected magic/);
	});
});

describe("hearth inspect and chat by key", () => {
	it("inspects a model by its short key", async () => {
		const result = await cli(["inspect", "llama-test-q8_0", "--json"]);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({
			key: "lmstudio-community/Llama-test-GGUF/llama-test-Q8_0.gguf",
			source: "lmstudio",
			architecture: "llama",
		});
	});

	it("chats with an Ollama model by its name, loaded in place", async () => {
		const result = await cli(["chat", "tinyphi", "-p", "where is taiwan", "--max-tokens", "4", "--seed", "1"]);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout.trim().length).toBeGreaterThan(0);
	});

	it("names the candidates of an ambiguous short key in one line", async () => {
		const result = await cli(["inspect", "phi-3-mini-4k-instruct-q4"]);
		expect(result.code).toBe(1);
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
		expect(result.stderr).toContain("matches 2 models: microsoft/Phi-3-mini-4k-instruct-gguf/");
	});
});

describe("hearth import and rm", () => {
	it("imports a file, lists it, and deletes it with --yes", async () => {
		const source = await testModel({ type: "Q8_0", seed: 21 });
		const dry = await cli(["import", source, "--repo", "me/tiny-GGUF", "--copy", "--dry-run"]);
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain("Would import as me/tiny-GGUF/");
		expect(existsSync(join(fake.hearthHome, "models/me"))).toBe(false);
		const done = await cli(["import", source, "--repo", "me/tiny-GGUF", "--copy", "--json"]);
		expect(done.code).toBe(0);
		const { key } = JSON.parse(done.stdout) as { key: string };
		expect((await cli(["ls", "--json"])).stdout).toContain(key);
		const refused = await cli(["rm", key]);
		expect(refused.code).not.toBe(0);
		expect(refused.stderr).toContain("add --yes");
		const removed = await cli(["rm", key, "--yes"]);
		expect(removed.code).toBe(0);
		expect((await cli(["ls", "--json"])).stdout).not.toContain(key);
		expect(existsSync(source)).toBe(true);
	});

	it("refuses to delete another app's model, in one line", async () => {
		const result = await cli(["rm", "tinyphi", "--yes"]);
		expect(result.code).toBe(1);
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
		expect(result.stderr).toContain("belongs to Ollama");
		expect(result.stderr).toContain("ollama rm");
	});
});
