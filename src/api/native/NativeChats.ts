import { z } from "zod";
import { GenerationStats } from "./NativeChat.js";

/** A stored chat message; assistant messages keep the stats of their generation. */
export const StoredMessage = z.object({
	id: z.string(),
	role: z.enum(["system", "user", "assistant"]),
	content: z.string(),
	createdAt: z.string(),
	stats: GenerationStats.optional(),
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
});
export type ConversationExport = z.infer<typeof ConversationExport>;
