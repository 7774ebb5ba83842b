import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { testModel } from "../../test/fixtures/testModel.js";
import { GgufFormatError } from "./gguf/GgufFormatError.js";
import { importModel, ModelExistsError } from "./importModel.js";
import { ModelStore } from "./ModelStore.js";
import { removeModel } from "./removeModel.js";
import { UnsafeNameError } from "./safeNames.js";

let home: string;
let modelsDir: string;
let source: string;
const env = () => ({ HOME: home, HEARTH_HOME: join(home, ".hearth"), HEARTH_OTHER_APPS: "off" });

beforeEach(async () => {
	home = mkdtempSync(join(tmpdir(), "hearth-import-"));
	modelsDir = join(home, ".hearth", "models");
	source = join(home, "Downloads", "Tiny-Phi-Q4_0.gguf");
	mkdirSync(join(home, "Downloads"));
	await copyFile(await testModel({ type: "Q4_0" }), source);
});

describe("importModel", () => {
	it("hard-links by default, keeping the original, under local/<name>", async () => {
		const result = await importModel(modelsDir, source);
		expect(result).toMatchObject({ key: "local/Tiny-Phi-Q4_0/Tiny-Phi-Q4_0.gguf", mode: "hardlink", dryRun: false });
		const placed = join(modelsDir, "local/Tiny-Phi-Q4_0/Tiny-Phi-Q4_0.gguf");
		expect(statSync(placed).ino).toBe(statSync(source).ino);
		const listed = await new ModelStore(env()).resolve("tiny-phi-q4_0");
		expect(listed).toMatchObject({ source: "hearth", key: result.key });
	});

	it.each([
		["copy", (placed: string) => statSync(placed).ino !== statSync(source).ino && existsSync(source)],
		["symlink", (placed: string) => lstatSync(placed).isSymbolicLink()],
		["move", () => !existsSync(source)],
	] as const)("can %s the file", async (mode, holds) => {
		const result = await importModel(modelsDir, source, { mode, repo: "me/tiny" });
		const placed = join(modelsDir, "me/tiny/Tiny-Phi-Q4_0.gguf");
		expect(result.mode).toBe(mode);
		expect(holds(placed)).toBe(true);
		expect(readFileSync(placed).subarray(0, 4).toString()).toBe("GGUF");
	});

	it("changes nothing on a dry run", async () => {
		const result = await importModel(modelsDir, source, { dryRun: true, mode: "move" });
		expect(result.dryRun).toBe(true);
		expect(existsSync(source)).toBe(true);
		expect(existsSync(modelsDir)).toBe(false);
	});

	it("refuses unsafe repository names, invalid files and existing destinations", async () => {
		for (const repo of ["../evil", "a/../../b", "a/b/c", "/abs/x", "C:/x", "a\\b/c", "ok/na\0me"])
			await expect(importModel(modelsDir, source, { repo })).rejects.toBeInstanceOf(UnsafeNameError);
		const text = join(home, "Downloads", "notes.gguf");
		writeFileSync(text, "hello");
		await expect(importModel(modelsDir, text)).rejects.toBeInstanceOf(GgufFormatError);
		expect(existsSync(join(modelsDir, "local/notes"))).toBe(false);
		await importModel(modelsDir, source, { mode: "copy" });
		await expect(importModel(modelsDir, source, { mode: "copy" })).rejects.toBeInstanceOf(ModelExistsError);
	});
});

describe("removeModel", () => {
	it("deletes a model of Hearth's folder and the folders it leaves empty", async () => {
		await importModel(modelsDir, source, { mode: "copy", repo: "me/tiny" });
		const model = await new ModelStore(env()).resolve("me/tiny/Tiny-Phi-Q4_0.gguf");
		await removeModel(model, modelsDir);
		expect(existsSync(join(modelsDir, "me"))).toBe(false);
		expect(existsSync(modelsDir)).toBe(true);
		expect(existsSync(source)).toBe(true);
	});

	it("refuses to delete a model of another app or folder, saying whose it is", async () => {
		const other = join(home, ".lmstudio/models/pub/repo");
		mkdirSync(other, { recursive: true });
		await copyFile(source, join(other, "lm.gguf"));
		const model = await new ModelStore({ ...env(), HEARTH_OTHER_APPS: "on" }).resolve("lm");
		await expect(removeModel(model, modelsDir)).rejects.toThrow(
			/belongs to LM Studio .* Hearth only deletes models in its own folder/,
		);
		expect(existsSync(join(other, "lm.gguf"))).toBe(true);
	});
});
