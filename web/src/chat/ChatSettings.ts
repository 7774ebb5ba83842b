import type { NativeChatRequest } from "../../../src/api/native/NativeChat.js";

/**
 * The sampling form as the user typed it: strings, because a blank field means "the server's
 * default" and must not turn into 0. Stored with the conversation, so it comes back on reopening.
 */
export interface ChatSettings {
	temperature: string;
	topP: string;
	topK: string;
	minP: string;
	repeatPenalty: string;
	maxTokens: string;
	/** Comma-separated stop strings. */
	stop: string;
	seed: string;
	overflow: NonNullable<NativeChatRequest["contextOverflowPolicy"]>;
	/** Embedding model for attachments longer than the context; blank: the server's (HEARTH_EMBEDDING_MODEL). */
	embeddingModel?: string;
	/** Offer the model the tools of the server's MCP servers (mcp.json). */
	mcpTools?: boolean;
}
