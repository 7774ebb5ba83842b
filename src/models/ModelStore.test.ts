import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type FakeHome, makeFakeHome } from "../../test/fixtures/fakeAppTrees.js";
import { AmbiguousModelError } from "./AmbiguousModelError.js";
import { InvalidModelFileError } from "./InvalidModelFileError.js";
import { ModelNotFoundError } from "./ModelNotFoundError.js";
import { ModelStore } from "./ModelStore.js";

let fake: FakeHome;
beforeAll(async () => {
	fake = await makeFakeHome();
});

describe("ModelStore.list", () => {
	it("finds Hearth's, LM Studio's, Hugging Face's, Ollama's and extra-folder models, each marked with its source", async () => {
		const models = await new ModelStore(fake.env).list();
		const summary = models.map((m) => [m.source, m.key, m.shortKey]);
		expect(summary).toEqual([
			["hearth", "microsoft/Phi-3-mini-4k-instruct-gguf/Phi-3-mini-4k-instruct-q4.gguf", "phi-3-mini-4k-instruct-q4"],
			["hearth", "someone/broken-GGUF/broken-Q4_0.gguf", "broken-q4_0"],
			["folder", "big/model-00001-of-00002.gguf", "model"],
			["folder", "gappy-00001-of-00003.gguf", "gappy"],
			["lmstudio", "bartowski/Phi-3-mini-4k-instruct-GGUF/Phi-3-mini-4k-instruct-q4.gguf", "phi-3-mini-4k-instruct-q4"],
			["lmstudio", "lmstudio-community/Llama-test-GGUF/llama-test-Q8_0.gguf", "llama-test-q8_0"],
			["huggingface", "TheOrg/tiny-GGUF/tiny-f16.gguf", "tiny-f16"],
			["ollama", "hf.co/someone/tiny-GGUF:Q4_0", "hf.co/someone/tiny-gguf:q4_0"],
			["ollama", "tinyphi:latest", "tinyphi"],
		]);
	});

	it("reads each model's header: architecture, quantization, context and memory", async () => {
		const models = await new ModelStore(fake.env).list();
		const phi3 = models.find((m) => m.shortKey === "phi-3-mini-4k-instruct-q4" && m.source === "hearth");
		expect(phi3?.info).toMatchObject({ architecture: "phi3", quantization: "Q4_0", contextLength: 4096 });
		expect(phi3?.info?.memory.cpuOnlyRamBytes).toBeGreaterThan(phi3?.sizeBytes ?? 0);
		expect(phi3?.deletable).toBe(true);
		const llama = models.find((m) => m.source === "lmstudio" && m.key.includes("Llama"));
		expect(llama?.info?.architecture).toBe("llama");
		expect(llama?.deletable).toBe(false);
		const ollama = models.find((m) => m.key === "tinyphi:latest");
		expect(ollama?.path).toMatch(/blobs\/sha256-a{64}$/);
		expect(ollama?.info?.architecture).toBe("phi3");
	});

	it("lists a broken file as invalid with the reason, and the rest as usual", async () => {
		const models = await new ModelStore(fake.env).list();
		const broken = models.find((m) => m.key.includes("broken"));
		expect(broken?.invalid).toMatch(/expected magic 47 47 55 46 \("GGUF"\): this is not a GGUF file$/);
		expect(broken?.info).toBeUndefined();
	});

	it("treats the parts of a split model as one model, and reports missing parts", async () => {
		const models = await new ModelStore(fake.env).list();
		const split = models.find((m) => m.shortKey === "model");
		expect(split?.paths).toHaveLength(2);
		expect(split?.sizeBytes).toBe(split?.paths.reduce((n, p) => n + statSync(p).size, 0));
		expect(split?.invalid).toBeUndefined();
		expect(models.find((m) => m.shortKey === "gappy")?.invalid).toBe("split model is missing part 2 of 3");
	});

	it("uses the Hugging Face revision refs/main names and skips vision projectors", async () => {
		const keys = (await new ModelStore(fake.env).list()).map((m) => m.key);
		expect(keys).not.toContain("TheOrg/tiny-GGUF/tiny-f16-old.gguf");
		expect(keys.some((k) => k.includes("mmproj"))).toBe(false);
	});

	it("leaves other apps out when HEARTH_OTHER_APPS=off", async () => {
		const models = await new ModelStore({ ...fake.env, HEARTH_OTHER_APPS: "off" }).list();
		expect(new Set(models.map((m) => m.source))).toEqual(new Set(["hearth", "folder"]));
	});

	it("reads headers once and re-reads a file whose size or time changed", async () => {
		await new ModelStore(fake.env).list();
		const cacheFile = join(fake.hearthHome, "cache", "model-info.json");
		const cache = JSON.parse(readFileSync(cacheFile, "utf8"));
		const path = join(fake.extraDir, "big/model-00001-of-00002.gguf");
		cache.entries[path].info.architecture = "from-the-cache";
		writeFileSync(cacheFile, JSON.stringify(cache));
		const cached = (await new ModelStore(fake.env).list()).find((m) => m.path === path);
		expect(cached?.info?.architecture).toBe("from-the-cache");
		const later = new Date(Date.now() + 5000);
		utimesSync(path, later, later);
		const fresh = (await new ModelStore(fake.env).list()).find((m) => m.path === path);
		expect(fresh?.info?.architecture).toBe("llama");
	});
});

describe("ModelStore.resolve", () => {
	it("finds a model by full key, by unique short key, by Ollama name and by path", async () => {
		const store = new ModelStore(fake.env);
		expect((await store.resolve("lmstudio-community/Llama-test-GGUF/llama-test-Q8_0.gguf")).source).toBe("lmstudio");
		expect((await store.resolve("LLAMA-TEST-Q8_0")).source).toBe("lmstudio");
		expect((await store.resolve("tinyphi")).key).toBe("tinyphi:latest");
		expect((await store.resolve("tinyphi:latest")).source).toBe("ollama");
		const path = join(fake.extraDir, "big/model-00001-of-00002.gguf");
		expect((await store.resolve(path)).key).toBe("big/model-00001-of-00002.gguf");
	});

	it("calls an ambiguous short key an error and names the candidates", async () => {
		const error = await new ModelStore(fake.env).resolve("phi-3-mini-4k-instruct-q4").catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AmbiguousModelError);
		expect((error as AmbiguousModelError).candidates).toEqual([
			"microsoft/Phi-3-mini-4k-instruct-gguf/Phi-3-mini-4k-instruct-q4.gguf",
			"bartowski/Phi-3-mini-4k-instruct-GGUF/Phi-3-mini-4k-instruct-q4.gguf",
		]);
	});

	it("says what is missing, with suggestions, and refuses invalid models with the reason", async () => {
		const store = new ModelStore(fake.env);
		const missing = await store.resolve("llama-test").catch((e: unknown) => e);
		expect(missing).toBeInstanceOf(ModelNotFoundError);
		expect((missing as Error).message).toContain("lmstudio-community/Llama-test-GGUF/llama-test-Q8_0.gguf");
		await expect(store.resolve("broken-q4_0")).rejects.toBeInstanceOf(InvalidModelFileError);
		await expect(store.resolve("gappy")).rejects.toThrow("missing part 2 of 3");
		expect(existsSync(join(fake.hearthHome, "models"))).toBe(true);
	});
});
