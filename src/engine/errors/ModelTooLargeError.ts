const GiB = 2 ** 30;

/** Refused before loading: the memory estimate exceeds what this machine has free. */
export class ModelTooLargeError extends Error {
	readonly code = "model_too_large";
	constructor(
		readonly neededBytes: number,
		readonly availableBytes: number,
	) {
		super(
			`The model needs ${(neededBytes / GiB).toFixed(1)} GiB of RAM, ${(availableBytes / GiB).toFixed(1)} GiB available; use a smaller quantization or a shorter context, close other programs, or force the load`,
		);
		this.name = "ModelTooLargeError";
	}
}
