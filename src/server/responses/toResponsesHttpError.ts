import { HttpError } from "../HttpError.js";
import { toHttpError } from "../toHttpError.js";

/** Fields the shared error mapper names in Chat Completions' words, in the Responses API's. */
const PARAMS: Record<string, string> = { messages: "input", max_tokens: "max_output_tokens", response_format: "text.format" };

/** Any error as an HTTP error whose `param` names the Responses request's field. */
export function toResponsesHttpError(error: unknown): HttpError {
	const http = toHttpError(error);
	const param = http.param === null ? undefined : PARAMS[http.param];
	return param ? new HttpError(http.status, http.message, http.code, param, http.headers) : http;
}
