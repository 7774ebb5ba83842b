/** An error with an HTTP status, raised by the server itself (bad input, unknown route, auth). */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly code: string,
		readonly param: string | null = null,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = "HttpError";
	}
}
