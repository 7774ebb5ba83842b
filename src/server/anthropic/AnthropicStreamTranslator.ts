import type { AnthropicBlockStart, AnthropicStreamEvent } from "../../api/anthropic/AnthropicStreamEvent.js";
import type { GenerationChunk, GenerationResult } from "../../engine/Engine.js";
import { type AnswerOptions, type AnthropicHead, toAnthropicStop, toAnthropicUsage } from "./toAnthropicMessage.js";

type BlockKind = "text" | "thinking" | "tool_use";

/**
 * A generation's pieces as Anthropic's stream events, the way Anthropic sends them: message_start,
 * then one block per run of text, reasoning or tool call (content_block_start, its deltas,
 * content_block_stop; a ping after the first start), then message_delta and message_stop. Tool
 * calls that were not streamed as pieces (an engine that gives them whole at the end) are sent as
 * one block each when the answer ends. Pure: the route only frames what it returns.
 */
export class AnthropicStreamTranslator {
	/** The index of the last block opened; -1 before the first. */
	private index = -1;
	private open: BlockKind | undefined;
	/** The block of each tool call streamed so far, by the engine's tool call index. */
	private readonly toolBlocks = new Map<number, number>();
	private readonly streamedCalls = new Set<string>();
	private pinged = false;

	constructor(
		private readonly head: AnthropicHead,
		private readonly options: AnswerOptions,
	) {}

	/** message_start; `promptTokens` is the whole prompt's count (what is cached is known only at the end). */
	start(promptTokens: number): AnthropicStreamEvent {
		return {
			type: "message_start",
			message: {
				id: this.head.id,
				type: "message",
				role: "assistant",
				model: this.head.model,
				content: [],
				stop_reason: null,
				stop_sequence: null,
				usage: { input_tokens: promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
			},
		};
	}

	/** The events for one piece of the answer. */
	push(chunk: GenerationChunk): AnthropicStreamEvent[] {
		switch (chunk.type) {
			case "text":
				if (!chunk.text) return [];
				return [...this.ensure("text"), this.delta(this.index, { type: "text_delta", text: chunk.text })];
			case "reasoning":
				if (!this.options.thinking || !chunk.text) return [];
				return [...this.ensure("thinking"), this.delta(this.index, { type: "thinking_delta", thinking: chunk.text })];
			case "toolCall": {
				const events: AnthropicStreamEvent[] = [];
				let block = this.toolBlocks.get(chunk.index);
				if (block === undefined) {
					events.push(...this.openBlock({ type: "tool_use", id: chunk.id, name: chunk.name, input: {} }));
					block = this.index;
					this.toolBlocks.set(chunk.index, block);
					this.streamedCalls.add(chunk.id);
				}
				if (chunk.argumentsDelta)
					events.push(this.delta(block, { type: "input_json_delta", partial_json: chunk.argumentsDelta }));
				return events;
			}
		}
	}

	/** The events that end the answer: tool calls not yet sent, the last block's stop, message_delta, message_stop. */
	finish(result: GenerationResult): AnthropicStreamEvent[] {
		const events: AnthropicStreamEvent[] = [];
		for (const call of result.toolCalls ?? []) {
			if (this.streamedCalls.has(call.id)) continue;
			events.push(...this.openBlock({ type: "tool_use", id: call.id, name: call.name, input: {} }));
			if (call.arguments) events.push(this.delta(this.index, { type: "input_json_delta", partial_json: call.arguments }));
		}
		// An answer of no words is one empty text block, as in the whole message.
		if (this.index === -1) events.push(...this.openBlock({ type: "text", text: "" }));
		events.push(...this.close());
		const { stop_reason, stop_sequence } = toAnthropicStop(result.stats.stopReason, this.options.stopSequences);
		events.push({ type: "message_delta", delta: { stop_reason, stop_sequence }, usage: toAnthropicUsage(result.stats) });
		events.push({ type: "message_stop" });
		return events;
	}

	private ensure(kind: "text" | "thinking"): AnthropicStreamEvent[] {
		if (this.open === kind) return [];
		return this.openBlock(kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" });
	}

	private openBlock(block: AnthropicBlockStart): AnthropicStreamEvent[] {
		const events = this.close();
		this.index++;
		this.open = block.type;
		events.push({ type: "content_block_start", index: this.index, content_block: block });
		if (!this.pinged) events.push({ type: "ping" });
		this.pinged = true;
		return events;
	}

	private close(): AnthropicStreamEvent[] {
		if (this.open === undefined) return [];
		this.open = undefined;
		return [{ type: "content_block_stop", index: this.index }];
	}

	private delta(
		index: number,
		delta: Extract<AnthropicStreamEvent, { type: "content_block_delta" }>["delta"],
	): AnthropicStreamEvent {
		return { type: "content_block_delta", index, delta };
	}
}
