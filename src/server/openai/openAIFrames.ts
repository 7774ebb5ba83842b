import type { OpenAIError } from "../../api/openai/OpenAIError.js";
import type { HttpError } from "../HttpError.js";
import { openAIErrorType } from "../toHttpError.js";

/** One server-sent event carrying JSON, as OpenAI frames its streams. */
export function sseData(value: unknown): string {
	return `data: ${JSON.stringify(value)}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";

export function openAIErrorBody(error: HttpError): OpenAIError {
	return { error: { message: error.message, type: openAIErrorType(error.status), param: error.param, code: error.code } };
}

export function openAIErrorResponse(error: HttpError): Response {
	return Response.json(openAIErrorBody(error), { status: error.status, headers: error.headers });
}
