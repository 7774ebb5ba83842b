/** A mistake of the user's (bad argument, unknown model): printed as one line, no stack. */
export class CliError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "CliError";
	}
}
