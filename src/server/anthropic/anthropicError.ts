import type { AnthropicError } from "../../api/anthropic/AnthropicError.js";
import type { HttpError } from "../HttpError.js";

/** Anthropic's error `type` for a status, as its API reference lists them. */
export function anthropicErrorType(status: number): string {
	if (status === 401) return "authentication_error";
	if (status === 403) return "permission_error";
	if (status === 404) return "not_found_error";
	if (status === 413) return "request_too_large";
	if (status === 429) return "rate_limit_error";
	if (status === 503 || status === 529) return "overloaded_error";
	if (status >= 500) return "api_error";
	return "invalid_request_error";
}

/** `{"type": "error", "error": {"type", "message"}}`, the body of every Anthropic error and its streamed `error` event. */
export function anthropicErrorBody(error: HttpError): AnthropicError {
	return { type: "error", error: { type: anthropicErrorType(error.status), message: error.message } };
}

export function anthropicErrorResponse(error: HttpError): Response {
	return Response.json(anthropicErrorBody(error), { status: error.status, headers: error.headers });
}
