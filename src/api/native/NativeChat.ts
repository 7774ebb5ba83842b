import { z } from "zod";
import { ContextOverflowPolicy } from "../ContextOverflowPolicy.js";

export const StopReason = z.enum(["eos", "stop_string", "max_tokens", "user_stopped", "context_full", "tool_calls"]);

/** A document attached to a native chat message: its file name, media type when known, and bytes in base64. */
export const NativeAttachment = z
	.object({
		name: z.string().trim().min(1).max(500),
		mime: z.string().max(200).optional(),
		/** The file in base64… */
		data: z.string().optional(),
		/** …or the hash of one kept by POST /hearth/attachments. */
		hash: z
			.string()
			.regex(/^[0-9a-f]{64}$/)
			.optional(),
	})
	.refine((a) => (a.data === undefined) !== (a.hash === undefined), "an attachment has either data or hash");
export type NativeAttachment = z.infer<typeof NativeAttachment>;

/** POST /hearth/chat: Hearth's own chat, streamed as server-sent events with full stats at the end. */
export const NativeChatRequest = z.object({
	model: z.string().min(1),
	messages: z
		.array(
			z.object({
				role: z.enum(["system", "user", "assistant"]),
				content: z.string(),
				/**
				 * Documents the message carries, read into the prompt before the message's text: whole
				 * when they fit the context, else their passages nearest to the question (embeddingModel).
				 */
				attachments: z.array(NativeAttachment).max(16).optional(),
			}),
		)
		.min(1),
	temperature: z.number().min(0).max(100).optional(),
	topK: z.number().int().min(0).optional(),
	topP: z.number().min(0).max(1).optional(),
	minP: z.number().min(0).max(1).optional(),
	repeatPenalty: z.number().min(0).max(100).optional(),
	maxTokens: z.number().int().min(1).optional(),
	stop: z.array(z.string()).optional(),
	seed: z
		.number()
		.int()
		.min(0)
		.max(2 ** 32 - 1)
		.optional(),
	contextOverflowPolicy: ContextOverflowPolicy.optional(),
	ttlSeconds: z.number().int().min(0).optional(),
	/**
	 * Offer the model the tools of mcp.json's enabled MCP servers; each call waits for approval
	 * (tool_call events). Needs an API key on the server, or the web UI (a same-origin browser request).
	 */
	mcpTools: z.boolean().optional(),
	/** Embedding model that finds the passages of attachments too long for the context; default HEARTH_EMBEDDING_MODEL. */
	embeddingModel: z.string().min(1).optional(),
});
export type NativeChatRequest = z.infer<typeof NativeChatRequest>;

export const GenerationStats = z.object({
	promptTokens: z.number(),
	generatedTokens: z.number(),
	timeToFirstTokenMs: z.number(),
	tokensPerSecond: z.number(),
	totalMs: z.number(),
	stopReason: StopReason,
	seed: z.number(),
	truncatedPromptTokens: z.number(),
	/** Prompt tokens reused from the cache (earlier turns of the same chat), not evaluated again. */
	cachedPromptTokens: z.number().default(0),
	/** Tokens of a thinking model's reasoning (the model's tokenizer counting its text); absent when it wrote none or they could not be counted. */
	reasoningTokens: z.number().optional(),
	/** With speculative decoding: tokens drafted (prompt lookup or a draft model) and verified, and how many were accepted. */
	draftTokens: z.number().optional(),
	acceptedDraftTokens: z.number().optional(),
});
export type GenerationStats = z.infer<typeof GenerationStats>;

/** A passage of an attached document that was put in the prompt, for the answer to show as a source. */
export const DocumentSource = z.object({
	/** The attachment's name. */
	document: z.string(),
	/** 1-based number of the passage in the document, of `passages`. */
	passage: z.number().int().min(1),
	passages: z.number().int().min(1),
	/** 1-based page it starts on, for documents with pages. */
	page: z.number().int().min(1).optional(),
	/** Character offsets in the document's text. */
	start: z.number().int().min(0),
	end: z.number().int().min(0),
	/** Cosine similarity to the question, -1 to 1. */
	score: z.number(),
	text: z.string(),
});
export type DocumentSource = z.infer<typeof DocumentSource>;

/**
 * The events of a native chat stream: text as it comes, then the result with stats, or an error.
 * A thinking model's reasoning comes in `reasoning` events, before (and apart from) the answer's
 * `fragment`s, so a client that knows only fragments still gets the answer alone.
 */
export const NativeChatEvent = z.discriminatedUnion("type", [
	/** Only while the request waits for one of the model's sequences: its place in the queue (1 is next), again as it moves. */
	z.object({ type: z.literal("queued"), position: z.number().int().min(1) }),
	z.object({ type: z.literal("start"), model: z.string(), contextLength: z.number(), loadMs: z.number() }),
	/** A piece of the answer's text. */
	z.object({ type: z.literal("fragment"), text: z.string() }),
	/** A piece of a thinking model's reasoning (the text inside its template's thinking tags). */
	z.object({ type: z.literal("reasoning"), text: z.string() }),
	/**
	 * The whole answer; `reasoning` is the whole reasoning, absent when the model wrote none;
	 * `sources` the attachments' passages the prompt held, when they were too long to go in whole.
	 */
	z.object({
		type: z.literal("done"),
		text: z.string(),
		reasoning: z.string().optional(),
		stats: GenerationStats,
		sources: z.array(DocumentSource).optional(),
	}),
	/**
	 * The model calls a tool of an MCP server. `approval`: the id to answer at POST
	 * /hearth/chat/approvals before it runs; absent when the tool was allowed always.
	 */
	z.object({
		type: z.literal("tool_call"),
		id: z.string(),
		server: z.string(),
		tool: z.string(),
		arguments: z.string(),
		approval: z.string().optional(),
	}),
	/** What the call gave back (cut and marked past 64 KiB), or why it did not run; the model then goes on. */
	z.object({
		type: z.literal("tool_result"),
		id: z.string(),
		text: z.string(),
		isError: z.boolean(),
		truncated: z.boolean(),
		denied: z.boolean(),
	}),
	z.object({ type: z.literal("error"), error: z.object({ message: z.string(), code: z.string() }) }),
]);
export type NativeChatEvent = z.infer<typeof NativeChatEvent>;

/** POST /hearth/chat/approvals: the user's word on a tool call a chat waits for. */
export const ToolApprovalRequest = z.object({
	approval: z.string().min(1),
	decision: z.enum(["once", "always", "deny"]),
});
export type ToolApprovalRequest = z.infer<typeof ToolApprovalRequest>;
/** Run a tool call this once, run its tool without asking again, or not at all. */
export type ToolDecision = ToolApprovalRequest["decision"];

/**
 * Stats for an answer the client stopped itself: closing the stream stops the server's
 * generation, so no `done` event with real stats comes.
 */
export function stoppedByClient(): GenerationStats {
	return {
		promptTokens: 0,
		generatedTokens: 0,
		timeToFirstTokenMs: 0,
		tokensPerSecond: 0,
		totalMs: 0,
		stopReason: "user_stopped",
		seed: 0,
		truncatedPromptTokens: 0,
		cachedPromptTokens: 0,
	};
}
