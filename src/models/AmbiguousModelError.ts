/** A short key that matches several models; the full keys tell them apart. */
export class AmbiguousModelError extends Error {
	readonly code = "ambiguous_model";
	constructor(
		readonly identifier: string,
		readonly candidates: string[],
	) {
		super(`"${identifier}" matches ${candidates.length} models: ${candidates.join(", ")}; use the full key`);
		this.name = "AmbiguousModelError";
	}
}
