/** The model Hearth offers when none is named: Microsoft's Phi-3-mini-4k-instruct, 4-bit. */
export const DEFAULT_MODEL = { repo: "microsoft/Phi-3-mini-4k-instruct-gguf", file: "Phi-3-mini-4k-instruct-q4.gguf" } as const;

export interface ModelSpec {
	repo: string;
	quant?: string;
	file?: string;
}

/**
 * What a user or client names to download: `repo`, `repo@Q4_K_M`, `repo/file.gguf`, Ollama's
 * `hf.co/user/repo:Q4_K_M` (also `huggingface.co/…`), or nothing for the default model.
 */
export function parseModelSpec(spec: string | undefined): ModelSpec {
	if (!spec) return { repo: DEFAULT_MODEL.repo, file: DEFAULT_MODEL.file };
	const ollama = /^(?:https?:\/\/)?(?:hf\.co|huggingface\.co)\/([^/:]+\/[^/:]+)(?::(.+))?$/.exec(spec);
	if (ollama) return { repo: ollama[1], quant: ollama[2] && ollama[2] !== "latest" ? ollama[2] : undefined };
	const at = spec.lastIndexOf("@");
	if (at > 0) return { repo: spec.slice(0, at), quant: spec.slice(at + 1) };
	const parts = spec.split("/");
	if (parts.length > 2) return { repo: parts.slice(0, 2).join("/"), file: parts.slice(2).join("/") };
	return { repo: spec };
}
