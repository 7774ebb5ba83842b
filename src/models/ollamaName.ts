import type { LocalModel } from "./ModelStore.js";

/**
 * A model's name in Ollama's `name:tag` form: an Ollama model keeps its own; a Hugging Face model is
 * named as Ollama names one it pulled, `hf.co/<publisher>/<repo>:<quantization>`; one imported
 * into `local/` is `local/<repo>:<quantization>`; any other file is `<key>:latest`.
 * `ModelStore.resolve` accepts these names back, and Hearth's own keys keep working.
 */
export function ollamaName(model: Pick<LocalModel, "key" | "source" | "info">): string {
	if (model.source === "ollama") return model.key;
	const parts = model.key.split("/");
	const quantization = model.info?.quantization;
	if (parts.length === 3 && parts.every(Boolean) && quantization)
		return `${parts[0] === "local" ? "" : "hf.co/"}${parts[0]}/${parts[1]}:${quantization}`;
	return `${model.key}:latest`;
}
