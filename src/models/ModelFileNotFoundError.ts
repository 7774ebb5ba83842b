export class ModelFileNotFoundError extends Error {
	readonly code = "model_not_found";
	constructor(readonly path: string) {
		super(`No model file at ${path}`);
		this.name = "ModelFileNotFoundError";
	}
}
