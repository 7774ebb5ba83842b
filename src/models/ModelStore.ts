import { realpathSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { readSetting } from "../config/settings.js";
import { AmbiguousModelError } from "./AmbiguousModelError.js";
import { checkGgufFile } from "./gguf/checkGguf.js";
import { InvalidModelFileError } from "./InvalidModelFileError.js";
import { ModelFileNotFoundError } from "./ModelFileNotFoundError.js";
import { ModelInfoCache } from "./ModelInfoCache.js";
import { ModelNotFoundError } from "./ModelNotFoundError.js";
import { type ModelSource, modelSources } from "./modelSources.js";
import { ollamaName } from "./ollamaName.js";
import { type ModelInfo, readModelInfo } from "./readModelInfo.js";
import type { ModelFiles, ModelSourceKind } from "./scan/ModelFiles.js";
import { scanFolder } from "./scan/scanFolder.js";
import { scanHuggingFaceCache } from "./scan/scanHuggingFaceCache.js";
import { scanOllama } from "./scan/scanOllama.js";

/** A model on this machine, with what its header says, or why it cannot be used. */
export interface LocalModel extends ModelFiles {
	/** The file llama.cpp loads (the first part of a split model). */
	path: string;
	sizeBytes: number;
	/** Only files inside Hearth's own models folder are Hearth's to delete. */
	deletable: boolean;
	/** Epoch milliseconds the (first) file was last written: when it was downloaded or imported. */
	modifiedAt: number;
	info?: ModelInfo;
	invalid?: string;
}

const SOURCE_ORDER: ModelSourceKind[] = ["hearth", "folder", "lmstudio", "huggingface", "ollama"];

/**
 * The models Hearth can run: its own folder (`$HEARTH_HOME/models/<publisher>/<repo>/<file>.gguf`,
 * LM Studio's layout), extra folders, and the models other apps downloaded, used in place.
 */
export class ModelStore {
	readonly home: string;
	readonly modelsDir: string;
	private readonly cache: ModelInfoCache;

	constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
		this.home = readSetting("home", env);
		this.modelsDir = join(this.home, "models");
		this.cache = new ModelInfoCache(join(this.home, "cache", "model-info.json"));
	}

	sources(): ModelSource[] {
		return modelSources(this.env);
	}

	/** Every model found, Hearth's first; broken files are listed with the reason, never thrown. */
	async list(): Promise<LocalModel[]> {
		const found = await Promise.all(this.sources().map((s) => scan(s)));
		const seen = new Set<string>();
		const models: LocalModel[] = [];
		const readPaths = new Set<string>();
		for (const files of found.flat()) {
			// The same file reached through two folders is listed once; Ollama's names for one blob
			// (`ollama cp`) are names of their own.
			const identity = `${realPath(files.paths[0])}\0${files.source === "ollama" ? files.key : ""}`;
			if (seen.has(identity)) continue;
			seen.add(identity);
			models.push(await this.describe(files, readPaths));
		}
		this.cache.save(readPaths);
		return models.sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || a.key.localeCompare(b.key));
	}

	/**
	 * Finds a model by path, full key (`publisher/repo/file.gguf`, Ollama's `name:tag`) or short key
	 * (`phi-3-mini-4k-instruct-q4`). A short key several models share is an error naming them.
	 *
	 * A path is taken only inside the folders the store scans (Hearth's own, extra folders, other
	 * apps'), unless `anyPath` (the CLI, whose user owns the files): otherwise a server would answer
	 * for any file on the machine, telling which exist and what they hold. Outside, a path is
	 * ModelNotFoundError whether or not the file exists.
	 */
	async resolve(identifier: string, options: { anyPath?: boolean } = {}): Promise<LocalModel> {
		const models = await this.list();
		let model: LocalModel;
		if (isExplicitPath(identifier)) model = await this.byPath(identifier, models, options.anyPath ?? false);
		else {
			try {
				model = pick(identifier, models);
			} catch (error) {
				// Not a key: maybe a relative path such as models/x.gguf.
				if (!(error instanceof ModelNotFoundError) || !(await isFile(identifier))) throw error;
				model = await this.byPath(identifier, models, options.anyPath ?? false);
			}
		}
		if (model.invalid) throw new InvalidModelFileError(model.path, model.invalid);
		return model;
	}

	private async byPath(identifier: string, models: LocalModel[], anyPath: boolean): Promise<LocalModel> {
		const path = resolve(identifier.replace(/^~(?=$|\/)/, this.env.HOME ?? "~"));
		if (!anyPath && !this.sources().some((s) => isInside(realPath(path), realPath(s.root))))
			throw new ModelNotFoundError(identifier, []);
		if (!(await isFile(path))) throw new ModelFileNotFoundError(path);
		const real = realPath(path);
		const known = models.find((m) => m.paths.some((p) => realPath(p) === real));
		if (known) return known;
		const name = basename(path).replace(/\.gguf$/i, "");
		return this.describe(
			{ key: path, shortKey: name.toLowerCase(), source: "folder", root: dirname(path), paths: [path] },
			new Set(),
		);
	}

	private async describe(files: ModelFiles, readPaths: Set<string>): Promise<LocalModel> {
		const model: LocalModel = {
			...files,
			path: files.paths[0],
			sizeBytes: 0,
			modifiedAt: 0,
			deletable: files.source === "hearth",
			invalid: files.problem,
		};
		const contextLength = readSetting("contextLength", this.env);
		for (const [index, path] of files.paths.entries()) {
			readPaths.add(path);
			const s = await stat(path).catch(() => undefined);
			if (!s) {
				model.invalid ??= `cannot read ${path}`;
				continue;
			}
			model.sizeBytes += s.size;
			if (index === 0) model.modifiedAt = s.mtimeMs;
			const cached = this.cache.get(path, s.size, s.mtimeMs);
			const fresh = cached && (index > 0 || cached.invalid !== undefined || estimatedFor(cached.info, contextLength));
			const entry = fresh ? cached : await inspect(path, index === 0, contextLength);
			if (!fresh) this.cache.set(path, { size: s.size, mtimeMs: s.mtimeMs, ...entry });
			if (entry.invalid) model.invalid ??= entry.invalid;
			if (index === 0) model.info = entry.info;
		}
		return model;
	}
}

async function inspect(path: string, first: boolean, contextLength: number): Promise<{ info?: ModelInfo; invalid?: string }> {
	try {
		if (first) return { info: await readModelInfo(path, { contextLength }) };
		checkGgufFile(path);
		return {};
	} catch (error) {
		return { invalid: error instanceof InvalidModelFileError ? error.reason : (error as Error).message };
	}
}

async function scan(source: ModelSource): Promise<ModelFiles[]> {
	switch (source.kind) {
		case "huggingface":
			return scanHuggingFaceCache(source.root);
		case "ollama":
			return scanOllama(source.root);
		default:
			return scanFolder(source.root, source.kind);
	}
}

function pick(identifier: string, models: LocalModel[]): LocalModel {
	const wanted = identifier.toLowerCase();
	const byKey = models.filter((m) => m.key.toLowerCase() === wanted);
	if (byKey.length) return byKey[0]; // sorted: Hearth's own copy wins
	// Ollama clients send back the `name:tag` that /api/tags gave them.
	const byOllamaName = models.find((m) => ollamaName(m).toLowerCase() === wanted);
	if (byOllamaName) return byOllamaName;
	const byShortKey = models.filter((m) => m.shortKey === wanted);
	if (byShortKey.length === 1) return byShortKey[0];
	if (byShortKey.length > 1)
		throw new AmbiguousModelError(
			identifier,
			byShortKey.map((m) => m.key),
		);
	const similar = models.filter((m) => m.key.toLowerCase().includes(wanted) || wanted.includes(m.shortKey));
	throw new ModelNotFoundError(
		identifier,
		similar.slice(0, 3).map((m) => m.key),
	);
}

/** A cached estimate is good for the context length asked for now (capped at the trained length). */
function estimatedFor(info: ModelInfo | undefined, contextLength: number): boolean {
	return info !== undefined && info.memory.contextLength === Math.min(contextLength, info.contextLength ?? contextLength);
}

function isExplicitPath(identifier: string): boolean {
	return /^(\.{1,2}[/\\]|[/\\~]|[A-Za-z]:[/\\])/.test(identifier);
}

async function isFile(path: string): Promise<boolean> {
	return stat(path).then(
		(s) => s.isFile(),
		() => false,
	);
}

function isInside(path: string, root: string): boolean {
	const rel = relative(root, path);
	return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function realPath(path: string): string {
	try {
		return realpathSync(path);
	} catch {
		return path;
	}
}
