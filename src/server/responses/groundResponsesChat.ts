import { readSetting } from "../../config/settings.js";
import type { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import { groundInlined } from "../../studio/groundInlined.js";
import type { ServerContext } from "../ServerContext.js";
import type { TranslatedResponsesRequest } from "./fromResponsesRequest.js";

/** A Responses chat with this request's documents placed by groundInlined (passages when too long). */
export function groundResponsesChat(
	ctx: ServerContext,
	request: TranslatedResponsesRequest,
	documents: InlinedDocuments,
	signal: AbortSignal,
) {
	return groundInlined(ctx.scheduler, request.model, request.chat.messages, documents, {
		embeddingModel: readSetting("embeddingModel", ctx.env),
		answerTokens: request.chat.maxTokens,
		home: ctx.store.home,
		signal,
	});
}
