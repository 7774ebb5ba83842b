/** A draft model that cannot draft for the target: its tokens are not the target's tokens. */
export class DraftModelMismatchError extends Error {
	readonly code = "draft_model_mismatch";
	constructor(
		readonly draftPath: string,
		readonly reason: string,
	) {
		super(`${draftPath} cannot be this model's draft model: ${reason}`);
		this.name = "DraftModelMismatchError";
	}
}
