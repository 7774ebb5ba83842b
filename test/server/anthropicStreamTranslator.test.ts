import { describe, expect, it } from "vitest";
import { AnthropicStreamEvent } from "../../src/api/anthropic/AnthropicStreamEvent.js";
import type { GenerationChunk, GenerationResult } from "../../src/engine/Engine.js";
import { AnthropicStreamTranslator } from "../../src/server/anthropic/AnthropicStreamTranslator.js";
import { toAnthropicMessage } from "../../src/server/anthropic/toAnthropicMessage.js";
import { generationStats } from "../fixtures/generationStats.js";

// The stream translator without HTTP: a generation's pieces (text, reasoning, tool call pieces, or
// calls given whole at the end) as Anthropic's events, in Anthropic's order.
const stats = generationStats;
const head = { id: "msg_1", model: "m" };
const options = { stopSequences: [] as string[], thinking: true };

describe("AnthropicStreamTranslator", () => {
	/** The events of a whole stream, checked against the contract, as compact strings. */
	const run = (chunks: GenerationChunk[], result: GenerationResult, over: Partial<typeof options> = {}) => {
		const translator = new AnthropicStreamTranslator(head, { ...options, ...over });
		const events = [translator.start(10), ...chunks.flatMap((c) => translator.push(c)), ...translator.finish(result)];
		for (const event of events) AnthropicStreamEvent.parse(event);
		return events.map((e) => {
			if (e.type === "content_block_start") return `start ${e.index} ${e.content_block.type}`;
			if (e.type === "content_block_delta") return `delta ${e.index} ${Object.values(e.delta).join(" ")}`;
			if (e.type === "content_block_stop") return `stop ${e.index}`;
			if (e.type === "message_delta") return `message_delta ${e.delta.stop_reason} ${e.delta.stop_sequence}`;
			return e.type;
		});
	};
	const text = (t: string): GenerationChunk => ({ type: "text", text: t });
	const call = (index: number, argumentsDelta: string): GenerationChunk => ({
		type: "toolCall",
		index,
		id: `call_${index}`,
		name: "f",
		argumentsDelta,
	});
	const END = ["message_delta end_turn null", "message_stop"];

	const cases: [string, GenerationChunk[], GenerationResult, string[]][] = [
		[
			"text, a ping after the first start",
			[text("a"), text(""), text("b")],
			{ text: "ab", stats: stats() },
			["message_start", "start 0 text", "ping", "delta 0 text_delta a", "delta 0 text_delta b", "stop 0", ...END],
		],
		[
			"no words, as one empty text block",
			[],
			{ text: "", stats: stats() },
			["message_start", "start 0 text", "ping", "stop 0", ...END],
		],
		[
			"reasoning, then text: two blocks",
			[{ type: "reasoning", text: "hm" }, text("a")],
			{ text: "a", reasoning: "hm", stats: stats() },
			[
				"message_start",
				"start 0 thinking",
				"ping",
				"delta 0 thinking_delta hm",
				"stop 0",
				"start 1 text",
				"delta 1 text_delta a",
				"stop 1",
				...END,
			],
		],
		[
			"tool calls streamed as pieces, one block each",
			[text("ok"), call(0, '{"a":'), call(0, "1}"), call(1, "{}")],
			{
				text: "ok",
				toolCalls: [
					{ id: "call_0", name: "f", arguments: '{"a":1}' },
					{ id: "call_1", name: "f", arguments: "{}" },
				],
				stats: stats({ stopReason: "tool_calls" }),
			},
			[
				"message_start",
				"start 0 text",
				"ping",
				"delta 0 text_delta ok",
				"stop 0",
				"start 1 tool_use",
				'delta 1 input_json_delta {"a":',
				"delta 1 input_json_delta 1}",
				"stop 1",
				"start 2 tool_use",
				"delta 2 input_json_delta {}",
				"stop 2",
				"message_delta tool_use null",
				"message_stop",
			],
		],
		[
			"tool calls given whole at the end",
			[],
			{ text: "", toolCalls: [{ id: "call_9", name: "f", arguments: '{"a":1}' }], stats: stats({ stopReason: "tool_calls" }) },
			[
				"message_start",
				"start 0 tool_use",
				"ping",
				'delta 0 input_json_delta {"a":1}',
				"stop 0",
				"message_delta tool_use null",
				"message_stop",
			],
		],
	];
	it.each(cases)("streams %s", (_, chunks, result, expected) => {
		expect(run(chunks, result)).toEqual(expected);
	});

	it("leaves reasoning out when thinking is disabled, and names the one stop sequence", () => {
		const result: GenerationResult = { text: "a", stats: stats({ stopReason: "stop_string" }) };
		expect(run([{ type: "reasoning", text: "hm" }, text("a")], result, { thinking: false, stopSequences: ["z"] })).toEqual([
			"message_start",
			"start 0 text",
			"ping",
			"delta 0 text_delta a",
			"stop 0",
			"message_delta stop_sequence z",
			"message_stop",
		]);
	});

	it("starts with the prompt's whole count, and ends with the usage the whole message has", () => {
		const translator = new AnthropicStreamTranslator(head, options);
		const result: GenerationResult = { text: "", stats: stats({ promptTokens: 10, cachedPromptTokens: 4 }) };
		expect(translator.start(10)).toMatchObject({ message: { content: [], stop_reason: null, usage: { input_tokens: 10 } } });
		expect(translator.finish(result).find((e) => e.type === "message_delta")).toMatchObject({
			usage: toAnthropicMessage(result, head, options).usage,
		});
	});
});
