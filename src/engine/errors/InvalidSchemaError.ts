/** A JSON schema that cannot be turned into a grammar (unsupported keywords, bad shape). */
export class InvalidSchemaError extends Error {
	readonly code = "invalid_schema";
	constructor(reason: string) {
		super(`The JSON schema cannot be enforced: ${reason}`);
		this.name = "InvalidSchemaError";
	}
}
