/** No model matches an identifier; `suggestions` are the closest keys there are. */
export class ModelNotFoundError extends Error {
	readonly code = "model_not_found";
	constructor(
		readonly identifier: string,
		readonly suggestions: string[] = [],
	) {
		super(
			`No model "${identifier}"${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : ""} (see hearth ls)`,
		);
		this.name = "ModelNotFoundError";
	}
}
