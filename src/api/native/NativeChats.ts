import { z } from "zod";
import { DocumentSource, GenerationStats } from "./NativeChat.js";

/** An MCP tool call an answer made, as the chat view shows it again: what ran, with what, and what came back. */
export const StoredToolStep = z.object({
	id: z.string(),
	server: z.string(),
	tool: z.string(),
	arguments: z.string(),
	result: z.object({ text: z.string(), isError: z.boolean(), denied: z.boolean(), truncated: z.boolean() }).optional(),
});
export type StoredToolStep = z.infer<typeof StoredToolStep>;

/** A file a message carries, kept under HEARTH_HOME/attachments by its SHA-256 (POST /hearth/attachments). */
export const AttachmentRef = z.object({
	name: z.string().trim().min(1).max(500),
	mime: z.string().max(200).optional(),
	size: z.number().int().min(0),
	hash: z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in lowercase hex"),
	/** Its text's length in the model's tokens, when a model was named as it was read. */
	tokens: z.number().int().min(0).optional(),
	pages: z.number().int().min(0).optional(),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

/** A stored chat message; assistant messages keep the stats of their generation and a thinking model's reasoning. */
export const StoredMessage = z.object({
	id: z.string(),
	role: z.enum(["system", "user", "assistant"]),
	/** The text; for an answer, without its reasoning. */
	content: z.string(),
	/** A thinking model's reasoning before this answer, kept to be shown; never sent back to the model. */
	reasoning: z.string().optional(),
	createdAt: z.string(),
	stats: GenerationStats.optional(),
	/** Files a user message carried. */
	attachments: z.array(AttachmentRef).max(16).optional(),
	/** An answer's sources: the attachments' passages its prompt held. */
	sources: z.array(DocumentSource).optional(),
	/** An answer's MCP tool calls, in order (shown again; not sent back to the model in later turns). */
	tools: z.array(StoredToolStep).max(64).optional(),
});
export type StoredMessage = z.infer<typeof StoredMessage>;

/** A conversation's header: what the sidebar lists. */
export const Conversation = z.object({
	id: z.string(),
	title: z.string(),
	model: z.string().optional(),
	systemPrompt: z.string().optional(),
	/** Sampling settings the UI keeps with the conversation. */
	settings: z.record(z.string(), z.unknown()).optional(),
	/** The conversation this one was branched from. */
	branchedFrom: z.string().optional(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Conversation = z.infer<typeof Conversation>;

/** A whole conversation: the JSON format of export and import. */
export const ConversationExport = z.object({
	format: z.literal("hearth-conversation"),
	version: z.literal(1),
	conversation: Conversation.omit({ id: true }),
	messages: z.array(StoredMessage.omit({ id: true })),
	/** The attached files' bytes in base64, by hash, so an import elsewhere has them. */
	files: z.record(z.string(), z.string()).optional(),
});
export type ConversationExport = z.infer<typeof ConversationExport>;

/** POST /hearth/chats and PATCH /hearth/chats/{id}: the fields a conversation is created or renamed with. */
export const ConversationFields = z.object({
	title: z.string().min(1).max(200).optional(),
	/** The model key last used in it. */
	model: z.string().optional(),
	systemPrompt: z.string().optional(),
	/** The UI's sampling and load settings for the conversation, kept as given. */
	settings: z.record(z.string(), z.unknown()).optional(),
});
export type ConversationFields = z.infer<typeof ConversationFields>;

/** POST /hearth/chats/{id}/messages */
export const NewMessage = StoredMessage.pick({
	role: true,
	content: true,
	reasoning: true,
	stats: true,
	attachments: true,
	sources: true,
	tools: true,
});
export type NewMessage = z.infer<typeof NewMessage>;

/** POST /hearth/chats/{id}/rewrite: edit a message (or, without content, drop the answers after it) to resend. */
export const RewriteRequest = z.object({ messageId: z.string(), content: z.string().optional() });
export type RewriteRequest = z.infer<typeof RewriteRequest>;

/** POST /hearth/chats/{id}/branch: a new conversation holding this one up to the message. */
export const BranchRequest = z.object({ messageId: z.string() });
export type BranchRequest = z.infer<typeof BranchRequest>;
