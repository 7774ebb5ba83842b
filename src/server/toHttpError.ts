import { ZodError } from "zod";
import { ConversationNotFoundError } from "../chats/ChatStore.js";
import { DocumentError } from "../documents/DocumentError.js";
import { ContextOverflowError } from "../engine/errors/ContextOverflowError.js";
import { DraftModelMismatchError } from "../engine/errors/DraftModelMismatchError.js";
import { GpuBackendUnavailableError } from "../engine/errors/GpuBackendUnavailableError.js";
import { InvalidSchemaError } from "../engine/errors/InvalidSchemaError.js";
import { MaxTokensTooLargeError } from "../engine/errors/MaxTokensTooLargeError.js";
import { ModelLoadError } from "../engine/errors/ModelLoadError.js";
import { ModelNotLoadedError } from "../engine/errors/ModelNotLoadedError.js";
import { ModelTooLargeError } from "../engine/errors/ModelTooLargeError.js";
import { NotARerankerError } from "../engine/errors/NotARerankerError.js";
import { RunnerExitedError } from "../engine/errors/RunnerExitedError.js";
import { ServerBusyError } from "../engine/errors/ServerBusyError.js";
import { UnsupportedKvCacheTypeError } from "../engine/errors/UnsupportedKvCacheTypeError.js";
import { NoSuchHubFileError } from "../hub/chooseHubFile.js";
import { HubError } from "../hub/errors/HubError.js";
import { McpConfigError } from "../mcp/McpConfig.js";
import { AmbiguousModelError } from "../models/AmbiguousModelError.js";
import { InvalidModelFileError } from "../models/InvalidModelFileError.js";
import { ModelFileNotFoundError } from "../models/ModelFileNotFoundError.js";
import { ModelNotFoundError } from "../models/ModelNotFoundError.js";
import { ModelNotDeletableError } from "../models/removeModel.js";
import { UnsafeNameError } from "../models/safeNames.js";
import { EvalSetError } from "../studio/readEvalSet.js";
import { HttpError } from "./HttpError.js";

/**
 * Every error, from any layer, as an HTTP status and a stable code: the one place where errors
 * become statuses. Each dialect then writes it in its own error shape.
 */
export function toHttpError(error: unknown): HttpError {
	if (error instanceof HttpError) return error;
	if (error instanceof ZodError) {
		const issue = error.issues[0];
		const param = issue?.path.join(".") || null;
		return new HttpError(
			400,
			`Invalid request: ${param ? `${param}: ` : ""}${issue?.message ?? "malformed body"}`,
			"invalid_request",
			param,
		);
	}
	if (error instanceof DocumentError) return new HttpError(400, error.message, error.code, "messages");
	if (error instanceof EvalSetError) return new HttpError(400, error.message, error.code, "set");
	if (error instanceof ContextOverflowError) return new HttpError(400, error.message, "context_length_exceeded", "messages", {});
	if (error instanceof MaxTokensTooLargeError) return new HttpError(400, error.message, "max_tokens_too_large", "max_tokens");
	if (error instanceof InvalidSchemaError) return new HttpError(400, error.message, "invalid_schema", "response_format");
	if (error instanceof NotARerankerError) return new HttpError(400, error.message, "model_not_reranker", "model");
	if (error instanceof DraftModelMismatchError) return new HttpError(400, error.message, "draft_model_mismatch", "draft");
	if (error instanceof McpConfigError) return new HttpError(400, error.message, error.code);
	if (error instanceof GpuBackendUnavailableError) return new HttpError(400, error.message, error.code, "gpu");
	if (error instanceof UnsupportedKvCacheTypeError)
		return new HttpError(400, error.message, "unsupported_kv_cache_type", "kvCacheType");
	if (error instanceof RangeError) return new HttpError(400, error.message, "invalid_value");
	if (error instanceof UnsafeNameError) return new HttpError(400, error.message, "invalid_name");
	if (error instanceof AmbiguousModelError) return new HttpError(400, error.message, "ambiguous_model", "model");
	if (error instanceof ModelNotFoundError || error instanceof ModelFileNotFoundError || error instanceof ModelNotLoadedError)
		return new HttpError(404, error.message, "model_not_found", "model");
	if (error instanceof NoSuchHubFileError) return new HttpError(404, error.message, "no_such_file", "file");
	if (error instanceof ModelNotDeletableError) return new HttpError(403, error.message, "model_not_deletable", "model");
	if (error instanceof ConversationNotFoundError) return new HttpError(404, error.message, "conversation_not_found");
	if (error instanceof InvalidModelFileError) return new HttpError(422, error.message, "invalid_model_file", "model");
	// 400, not 5xx: clients retry 5xx, and this will not change by retrying.
	if (error instanceof ModelTooLargeError) return new HttpError(400, error.message, "model_too_large", "model");
	if (error instanceof ServerBusyError)
		return new HttpError(503, error.message, "server_busy", null, { "Retry-After": String(error.retryAfterSeconds) });
	if (error instanceof RunnerExitedError) return new HttpError(500, error.message, "runner_exited");
	if (error instanceof ModelLoadError) return new HttpError(500, error.message, "model_load_failed", "model");
	if (error instanceof HubError) {
		const status = {
			unauthorized: 401,
			not_found: 404,
			rate_limited: 429,
			unavailable: 502,
			unsafe_redirect: 502,
			reply_too_large: 502,
			checksum_mismatch: 502,
			disk_full: 507,
			cancelled: 499,
		}[error.kind];
		return new HttpError(status, error.message, error.code);
	}
	return new HttpError(500, error instanceof Error ? error.message : String(error), "internal_error");
}

/** OpenAI's error `type` for a status. */
export function openAIErrorType(status: number): string {
	if (status === 401) return "authentication_error";
	if (status === 403) return "permission_error";
	if (status === 404) return "not_found_error";
	if (status === 429) return "rate_limit_error";
	if (status >= 500) return "server_error";
	return "invalid_request_error";
}
