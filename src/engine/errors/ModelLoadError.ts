/** llama.cpp could not load a model file (the runner reports why). */
export class ModelLoadError extends Error {
	readonly code = "model_load_failed";
	constructor(
		readonly modelPath: string,
		reason: string,
	) {
		super(`Could not load ${modelPath}: ${reason}`);
		this.name = "ModelLoadError";
	}
}
