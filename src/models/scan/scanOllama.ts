import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ModelFiles } from "./ModelFiles.js";

const Manifest = z.object({
	layers: z.array(z.object({ mediaType: z.string(), digest: z.string() })),
});
const MODEL_LAYER = "application/vnd.ollama.image.model";
const DEFAULT_REGISTRY = "registry.ollama.ai";

/**
 * Finds Ollama's models: each manifest (`manifests/<host>/<namespace>/<name>/<tag>`) names the
 * blob that holds the GGUF weights (`blobs/sha256-…`). Models are named as Ollama names them:
 * `llama3.2:latest`, `user/model:tag`, `hf.co/user/repo:Q4_K_M`.
 */
export async function scanOllama(modelsDir: string): Promise<ModelFiles[]> {
	const manifests = join(modelsDir, "manifests");
	const found: ModelFiles[] = [];
	for (const host of await list(manifests)) {
		for (const namespace of await list(join(manifests, host))) {
			for (const name of await list(join(manifests, host, namespace))) {
				for (const tag of await list(join(manifests, host, namespace, name))) {
					const model = await readManifest(modelsDir, join(manifests, host, namespace, name, tag));
					if (!model) continue;
					const base =
						host === DEFAULT_REGISTRY
							? namespace === "library"
								? name
								: `${namespace}/${name}`
							: `${host}/${namespace}/${name}`;
					found.push({
						key: `${base}:${tag}`,
						shortKey: (tag === "latest" ? base : `${base}:${tag}`).toLowerCase(),
						source: "ollama",
						root: modelsDir,
						paths: [model],
					});
				}
			}
		}
	}
	return found;
}

async function readManifest(modelsDir: string, path: string): Promise<string | undefined> {
	try {
		const manifest = Manifest.parse(JSON.parse(await readFile(path, "utf8")));
		const layer = manifest.layers.find((l) => l.mediaType === MODEL_LAYER);
		if (!layer || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) return undefined;
		return join(modelsDir, "blobs", layer.digest.replace(":", "-"));
	} catch {
		return undefined; // not a manifest Hearth understands: not a model to list
	}
}

async function list(dir: string): Promise<string[]> {
	return readdir(dir).catch(() => []);
}
