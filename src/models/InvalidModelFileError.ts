/** A file that is not a usable GGUF model, with what was expected and what was found. */
export class InvalidModelFileError extends Error {
	readonly code = "invalid_model_file";
	constructor(
		readonly path: string,
		readonly reason: string,
	) {
		super(`${path} is not a valid GGUF model: ${reason}`);
		this.name = "InvalidModelFileError";
	}
}
