import type {
	AnthropicContentBlock,
	AnthropicMessage,
	AnthropicStopReason,
	AnthropicUsage,
} from "../../api/anthropic/AnthropicMessage.js";
import type { GenerationResult, GenerationStats, StopReason, ToolCall } from "../../engine/Engine.js";
import { stopReasonIn } from "../stopReasonNames.js";

/** What every message of one answer carries. */
export interface AnthropicHead {
	id: string;
	/** The model's key. */
	model: string;
}

/** What the answer depends on besides the result. */
export interface AnswerOptions {
	/** The request's stop_sequences, to name the one that ended the answer. */
	stopSequences: readonly string[];
	/** Whether reasoning is answered as thinking blocks. */
	thinking: boolean;
}

/** A whole answer as Anthropic's message: thinking, then text, then tool calls; one empty text block when there is nothing. */
export function toAnthropicMessage(result: GenerationResult, head: AnthropicHead, options: AnswerOptions): AnthropicMessage {
	const content: AnthropicContentBlock[] = [];
	if (options.thinking && result.reasoning) content.push({ type: "thinking", thinking: result.reasoning, signature: "" });
	if (result.text) content.push({ type: "text", text: result.text });
	for (const call of result.toolCalls ?? []) content.push(toToolUseBlock(call));
	if (content.length === 0) content.push({ type: "text", text: "" });
	return {
		id: head.id,
		type: "message",
		role: "assistant",
		model: head.model,
		content,
		...toAnthropicStop(result.stats.stopReason, options.stopSequences),
		usage: toAnthropicUsage(result.stats),
	};
}

/** Anthropic's counts: the prompt split into what was evaluated and what came from the sequence's cache. */
export function toAnthropicUsage(stats: GenerationStats): AnthropicUsage {
	return {
		input_tokens: stats.promptTokens - stats.cachedPromptTokens,
		cache_creation_input_tokens: 0,
		cache_read_input_tokens: stats.cachedPromptTokens,
		output_tokens: stats.generatedTokens,
	};
}

/**
 * `stop_reason`, and `stop_sequence`: the stop sequence that ended the answer. The engine does not
 * say which one matched, so it is named when the request gave one, and null among several.
 */
export function toAnthropicStop(
	reason: StopReason,
	stopSequences: readonly string[],
): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
	const asked = stopSequences.filter((s) => s !== "");
	return {
		stop_reason: stopReasonIn("anthropic", reason),
		stop_sequence: reason === "stop_string" && asked.length === 1 ? asked[0] : null,
	};
}

/** A call as a tool_use block, its arguments parsed; text that is not a JSON object (a call cut short) is `{}`. */
export function toToolUseBlock(call: ToolCall): Extract<AnthropicContentBlock, { type: "tool_use" }> {
	let input: Record<string, unknown> = {};
	try {
		const parsed: unknown = JSON.parse(call.arguments);
		if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
	} catch {
		// left {}
	}
	return { type: "tool_use", id: call.id, name: call.name, input };
}
