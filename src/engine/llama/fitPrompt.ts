import type { Token } from "node-llama-cpp";
import type { ChatMessage, ContextOverflowPolicy, StopReason } from "../Engine.js";
import { ContextOverflowError } from "../errors/ContextOverflowError.js";

/** A prompt as rendered: its tokens, and whatever else the caller needs from the rendering. */
export interface RenderedTokens {
	tokens: Token[];
}

/** A prompt before it is made to fit the context. */
export type PromptToFit<R extends RenderedTokens> =
	/** A chat: shortened by whole messages, each shorter history rendered again by `render`. */
	| {
			kind: "chat";
			messages: ChatMessage[];
			render: (messages: ChatMessage[]) => R;
			/** No message may go (a chat with tools: a cut could leave a tool's result without its call). */
			keepAllMessages: boolean;
	  }
	/** A completion's tokens: shortened token by token; a rolling window keeps a leading `bos`. */
	| { kind: "completion"; tokens: Token[]; bos: Token | null };

export interface PromptLimits {
	contextLength: number;
	/** The request's limit on generated tokens; undefined: until the context is full. */
	maxTokens: number | undefined;
	policy: ContextOverflowPolicy;
}

export interface FittedPrompt<R extends RenderedTokens> {
	/** The tokens to evaluate. */
	tokens: Token[];
	/** The chat's last rendering, of the messages kept; undefined for a completion. */
	rendered: R | undefined;
	/** The chat's messages kept; undefined for a completion. */
	messages: ChatMessage[] | undefined;
	/** Tokens a truncating policy dropped (0 when none). */
	truncatedPromptTokens: number;
	/** The most tokens to generate: the request's limit, never past the end of the context. */
	maxTokens: number;
	/** The stop reason when `maxTokens` are generated: the request's limit, or the context's end. */
	onMaxTokens: Extract<StopReason, "max_tokens" | "context_full">;
}

/**
 * What is evaluated for a prompt in a context of `contextLength` tokens. The "error" and
 * "stopAtLimit" policies never change the prompt; "truncateMiddle" and "rollingWindow" shorten it
 * until it leaves room for the answer. A prompt that still fills the context is refused with
 * ContextOverflowError, since at least one token has to be generated.
 */
export function fitPrompt<R extends RenderedTokens>(prompt: PromptToFit<R>, limits: PromptLimits): FittedPrompt<R> {
	const { contextLength, policy } = limits;
	const truncating = policy === "truncateMiddle" || policy === "rollingWindow";
	// Room kept for the answer when a truncating policy has to make the prompt fit.
	const reserve = Math.min(limits.maxTokens ?? Math.floor(contextLength / 4), Math.floor(contextLength / 2));
	let tokens: Token[];
	let rendered: R | undefined;
	let messages: ChatMessage[] | undefined;
	let truncatedPromptTokens = 0;
	if (prompt.kind === "chat") {
		messages = prompt.messages;
		rendered = prompt.render(messages);
		const fullLength = rendered.tokens.length;
		while (truncating && !prompt.keepAllMessages && rendered.tokens.length > contextLength - reserve) {
			const shorter = dropMessage(messages, policy);
			if (!shorter) break;
			messages = shorter;
			rendered = prompt.render(messages);
		}
		truncatedPromptTokens = fullLength - rendered.tokens.length;
		tokens = rendered.tokens;
	} else {
		tokens = prompt.tokens;
		if (truncating && tokens.length > contextLength - reserve) {
			const keep = contextLength - reserve;
			const { bos } = prompt;
			const head = policy === "truncateMiddle" ? Math.ceil(keep / 2) : bos !== null && tokens[0] === bos ? 1 : 0;
			truncatedPromptTokens = tokens.length - keep;
			tokens = [...tokens.slice(0, head), ...tokens.slice(tokens.length - (keep - head))];
		}
	}
	if (tokens.length >= contextLength) throw new ContextOverflowError(tokens.length, contextLength);
	const room = contextLength - tokens.length;
	return {
		tokens,
		rendered,
		messages,
		truncatedPromptTokens,
		maxTokens: Math.min(limits.maxTokens ?? room, room),
		onMaxTokens: limits.maxTokens !== undefined && limits.maxTokens <= room ? "max_tokens" : "context_full",
	};
}

/**
 * One message fewer, for a truncating overflow policy: system messages and the last message always
 * stay; rollingWindow drops the oldest other message, truncateMiddle the one after the first.
 */
function dropMessage(messages: ChatMessage[], policy: "truncateMiddle" | "rollingWindow"): ChatMessage[] | undefined {
	const droppable = messages.map((m, i) => (m.role !== "system" && i < messages.length - 1 ? i : -1)).filter((i) => i >= 0);
	if (droppable.length === 0) return undefined;
	const victim = policy === "rollingWindow" || droppable.length === 1 ? droppable[0] : droppable[1];
	return messages.filter((_, i) => i !== victim);
}
