/** Where a model was found. */
export type ModelSourceKind = "hearth" | "folder" | "lmstudio" | "huggingface" | "ollama";

/** One model as found on disk, before its header is read: one file, or the parts of a split GGUF. */
export interface ModelFiles {
	/** Full key: `publisher/repo/file.gguf` (LM Studio's layout), or Ollama's `name:tag`. */
	key: string;
	/** File name without `.gguf` and split suffix, lower case (Ollama: its name, `:latest` dropped). */
	shortKey: string;
	source: ModelSourceKind;
	/** The folder scanned, e.g. ~/.lmstudio/models. */
	root: string;
	/** Every file of the model in part order; llama.cpp is given the first. */
	paths: string[];
	/** Set when parts of a split model are missing. */
	problem?: string;
}
