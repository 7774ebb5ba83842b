import { constants } from "node:fs";
import { copyFile, link, mkdir, rename, rm, stat, symlink, unlink } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { checkGgufFile } from "./gguf/checkGguf.js";
import { ModelFileNotFoundError } from "./ModelFileNotFoundError.js";
import { parseRepoId } from "./safeNames.js";
import { groupSplitParts } from "./scan/groupSplitParts.js";

/** How a file gets into Hearth's folder. `auto`: a hard link where possible (no space, original kept), else a copy. */
export type ImportMode = "auto" | "copy" | "hardlink" | "symlink" | "move";

export interface ImportOptions {
	mode?: ImportMode;
	/** `publisher/repo` to file it under. Default: `local/<file name>`. */
	repo?: string;
	/** Work out and report what would happen, change nothing. */
	dryRun?: boolean;
}

export interface ImportResult {
	key: string;
	files: { from: string; to: string }[];
	mode: Exclude<ImportMode, "auto">;
	dryRun: boolean;
}

export class ModelExistsError extends Error {
	readonly code = "model_exists";
	constructor(readonly path: string) {
		super(`${path} already exists; remove it first (hearth rm) or import under another --repo`);
		this.name = "ModelExistsError";
	}
}

/**
 * Brings a GGUF file (all parts of a split one) into `<modelsDir>/<publisher>/<repo>/`, checked
 * first. Files are written under a temporary name and renamed, so an interrupted copy is never
 * listed as a model.
 */
export async function importModel(modelsDir: string, source: string, options: ImportOptions = {}): Promise<ImportResult> {
	const path = resolve(source);
	if (
		!(await stat(path).then(
			(s) => s.isFile(),
			() => false,
		))
	)
		throw new ModelFileNotFoundError(path);
	const siblings = await splitSiblings(path);
	for (const part of siblings) checkGgufFile(part);
	const baseName = groupSplitParts(siblings)[0].baseName;
	const { publisher, repo } = parseRepoId(options.repo ?? `local/${baseName.replace(/[^A-Za-z0-9._-]/g, "-")}`);
	const folder = join(modelsDir, publisher, repo);
	const files = siblings.map((from) => ({ from, to: join(folder, basename(from)) }));
	for (const { to } of files)
		if (
			await stat(to).then(
				() => true,
				() => false,
			)
		)
			throw new ModelExistsError(to);
	let mode: Exclude<ImportMode, "auto"> = options.mode === undefined || options.mode === "auto" ? "hardlink" : options.mode;
	if (!options.dryRun) {
		await mkdir(folder, { recursive: true });
		for (const file of files) mode = await place(file.from, file.to, mode, options.mode === undefined || options.mode === "auto");
	}
	return { key: `${publisher}/${repo}/${basename(files[0].to)}`, files, mode, dryRun: Boolean(options.dryRun) };
}

async function place(
	from: string,
	to: string,
	mode: Exclude<ImportMode, "auto">,
	fallBack: boolean,
): Promise<Exclude<ImportMode, "auto">> {
	try {
		switch (mode) {
			case "hardlink":
				await link(from, to);
				return mode;
			case "symlink":
				await symlink(from, to);
				return mode;
			case "move":
				try {
					await rename(from, to);
				} catch (error) {
					if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
					await copyThenRename(from, to);
					await unlink(from);
				}
				return mode;
			case "copy":
				await copyThenRename(from, to);
				return mode;
		}
	} catch (error) {
		// Hard links cannot cross file systems (EXDEV) and some file systems refuse them (EPERM).
		const code = (error as NodeJS.ErrnoException).code;
		if (fallBack && mode === "hardlink" && (code === "EXDEV" || code === "EPERM" || code === "ENOTSUP")) {
			await copyThenRename(from, to);
			return "copy";
		}
		throw error;
	}
}

async function copyThenRename(from: string, to: string): Promise<void> {
	const partial = `${to}.import-${process.pid}.part`;
	try {
		await copyFile(from, partial, constants.COPYFILE_FICLONE);
		await rename(partial, to);
	} catch (error) {
		await rm(partial, { force: true });
		throw error;
	}
}

/** The file itself, or every part when it is one part of a split model. */
async function splitSiblings(path: string): Promise<string[]> {
	const match = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i.exec(path);
	if (!match) return [path];
	const total = Number(match[3]);
	const parts = Array.from({ length: total }, (_, i) => `${match[1]}-${String(i + 1).padStart(5, "0")}-of-${match[3]}.gguf`);
	for (const part of parts)
		if (
			!(await stat(part).then(
				() => true,
				() => false,
			))
		)
			throw new ModelFileNotFoundError(part);
	return parts;
}
