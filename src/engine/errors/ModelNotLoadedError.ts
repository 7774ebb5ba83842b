export class ModelNotLoadedError extends Error {
	readonly code = "model_not_loaded";
	constructor(readonly modelId: string) {
		super(`Model "${modelId}" is not loaded`);
		this.name = "ModelNotLoadedError";
	}
}
