import { describe, expect, it } from "vitest";
import { generationStats } from "../../../test/fixtures/generationStats.js";
import { ResponsesStreamEvent } from "../../api/openai/ResponsesEvents.js";
import type { ResponsesEcho } from "../../api/openai/ResponsesObject.js";
import type { GenerationChunk, GenerationResult, StopReason, ToolCall } from "../../engine/Engine.js";
import { HttpError } from "../HttpError.js";
import { ResponseAssembler } from "./ResponseAssembler.js";

const echo: ResponsesEcho = {
	instructions: null,
	max_output_tokens: null,
	parallel_tool_calls: true,
	previous_response_id: null,
	store: true,
	temperature: 0.8,
	text: { format: { type: "text" } },
	tool_choice: "auto",
	tools: [],
	top_p: 0.95,
	truncation: "disabled",
	metadata: {},
};

function assembler(changes: Partial<ResponsesEcho> = {}) {
	let next = 0;
	return new ResponseAssembler({
		id: "resp_1",
		createdAt: 1_700_000_000,
		model: "m",
		echo: { ...echo, ...changes },
		newId: (prefix) => `${prefix}_${next++}`,
	});
}

function result(
	stopReason: StopReason,
	extra: { text?: string; reasoning?: string; toolCalls?: ToolCall[] } = {},
): GenerationResult {
	return {
		text: extra.text ?? "",
		...(extra.reasoning ? { reasoning: extra.reasoning } : {}),
		...(extra.toolCalls ? { toolCalls: extra.toolCalls } : {}),
		stats: generationStats({ promptTokens: 11, generatedTokens: 5, stopReason, cachedPromptTokens: 4 }),
	};
}

/** Every event of a whole run: start, each chunk, finish. */
function run(chunks: GenerationChunk[], end: GenerationResult, changes?: Partial<ResponsesEcho>) {
	const a = assembler(changes);
	const events = [...a.start(), ...chunks.flatMap((c) => a.push(c)), ...a.finish(end)];
	return { events, response: a.response, types: events.map((e) => e.type.replace(/^response\./, "")) };
}

const text = (t: string): GenerationChunk => ({ type: "text", text: t });
const call = (index: number, argumentsDelta: string, id = `call_${index}`): GenerationChunk => ({
	type: "toolCall",
	index,
	id,
	name: "get_time",
	argumentsDelta,
});
const MESSAGE = ["output_item.added", "content_part.added"];
const MESSAGE_END = ["output_text.done", "content_part.done", "output_item.done"];

describe("a generation's chunks as Responses events", () => {
	it.each([
		[
			"text: one message item, a delta per chunk",
			[text("Tai"), text("wan")],
			result("eos", { text: "Taiwan" }),
			[...MESSAGE, "output_text.delta", "output_text.delta", ...MESSAGE_END, "completed"],
		],
		["nothing at all: still one (empty) message", [], result("eos"), [...MESSAGE, ...MESSAGE_END, "completed"]],
		[
			"a limit: incomplete",
			[text("a")],
			result("max_tokens", { text: "a" }),
			[...MESSAGE, "output_text.delta", ...MESSAGE_END, "incomplete"],
		],
		[
			"reasoning, then text: a reasoning item, then a message",
			[{ type: "reasoning", text: "hmm" }, { type: "reasoning", text: "…" }, text("Yes")],
			result("eos", { text: "Yes", reasoning: "hmm…" }),
			[
				"output_item.added",
				"content_part.added",
				"reasoning_text.delta",
				"reasoning_text.delta",
				"reasoning_text.done",
				"content_part.done",
				"output_item.done",
				...MESSAGE,
				"output_text.delta",
				...MESSAGE_END,
				"completed",
			],
		],
		[
			"streamed tool calls: an item per call, a delta per piece",
			[text("Let me look."), call(0, '{"city":'), call(0, '"Taipei"}'), call(1, "{}")],
			result("tool_calls", {
				text: "Let me look.",
				toolCalls: [{ id: "call_0", name: "get_time", arguments: '{"city":"Taipei"}' }],
			}),
			[
				...MESSAGE,
				"output_text.delta",
				...MESSAGE_END,
				"output_item.added",
				"function_call_arguments.delta",
				"function_call_arguments.delta",
				"function_call_arguments.done",
				"output_item.done",
				"output_item.added",
				"function_call_arguments.delta",
				"function_call_arguments.done",
				"output_item.done",
				"completed",
			],
		],
		[
			"tool calls the engine gives only whole, at the end: the same events, after the text",
			[],
			result("tool_calls", { toolCalls: [{ id: "call_9", name: "get_time", arguments: "{}" }] }),
			["output_item.added", "function_call_arguments.delta", "function_call_arguments.done", "output_item.done", "completed"],
		],
	] as const)("%s", (_, chunks, end, types) => {
		const { events, types: got } = run([...chunks], end);
		expect(got).toEqual(["created", "in_progress", ...types]);
		expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
		for (const event of events) expect(ResponsesStreamEvent.parse(event)).toEqual(event);
	});

	it("ends with the whole response: items whole, status, usage with cached tokens", () => {
		const { response, events } = run(
			[{ type: "reasoning", text: "think" }, text("Tai"), text("wan"), call(0, "{}")],
			result("tool_calls", { text: "Taiwan" }),
		);
		expect(response).toMatchObject({
			id: "resp_1",
			object: "response",
			status: "completed",
			incomplete_details: null,
			error: null,
		});
		expect(response.output).toEqual([
			{ id: "rs_0", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "think" }] },
			{
				id: "msg_1",
				type: "message",
				status: "completed",
				content: [{ type: "output_text", annotations: [], logprobs: [], text: "Taiwan" }],
				role: "assistant",
			},
			{ id: "fc_2", type: "function_call", status: "completed", arguments: "{}", call_id: "call_0", name: "get_time" },
		]);
		expect(response.usage).toEqual({
			input_tokens: 11,
			input_tokens_details: { cached_tokens: 4 },
			output_tokens: 5,
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: 16,
		});
		expect(events.at(-1)).toMatchObject({ type: "response.completed", response });
		// The first events carry the response in progress: no output, no usage.
		expect(events[0]).toMatchObject({ response: { status: "in_progress", output: [], usage: null } });
	});

	it("adds items empty, for the client to fill with the deltas, and repeats them whole when done", () => {
		const { events } = run([text("a"), text("b")], result("eos", { text: "ab" }));
		expect(events[2]).toEqual({
			type: "response.output_item.added",
			sequence_number: 2,
			output_index: 0,
			item: { id: "msg_0", type: "message", status: "in_progress", content: [], role: "assistant" },
		});
		expect(events[3]).toMatchObject({ part: { type: "output_text", text: "" }, item_id: "msg_0", content_index: 0 });
		expect(events.find((e) => e.type === "response.output_text.done")).toMatchObject({ text: "ab" });
		expect(events.find((e) => e.type === "response.output_item.done")).toMatchObject({ item: { status: "completed" } });
	});

	it("marks the item cut short incomplete, with the reason on the response", () => {
		const { response } = run([text("a")], result("context_full", { text: "a" }));
		expect(response.status).toBe("incomplete");
		expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
		expect(response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
	});

	it("takes the result's calls for the streamed ones, by id or by place, never twice", () => {
		const whole = [{ id: "call_end", name: "get_time", arguments: "{}" }];
		const { response } = run([call(0, "{}", "call_streamed")], result("tool_calls", { toolCalls: whole }));
		expect(response.output).toHaveLength(1);
		expect(response.output[0]).toMatchObject({ type: "function_call", call_id: "call_streamed" });
	});

	it("keeps only the first call when parallel_tool_calls is false", () => {
		const calls = [
			{ id: "call_a", name: "get_time", arguments: "{}" },
			{ id: "call_b", name: "get_time", arguments: "{}" },
		];
		const streamed = run([call(0, "{}", "call_a"), call(1, "{}", "call_b")], result("tool_calls", { toolCalls: calls }), {
			parallel_tool_calls: false,
		});
		expect(streamed.response.output.map((o) => o.type === "function_call" && o.call_id)).toEqual(["call_a"]);
		const whole = run([], result("tool_calls", { toolCalls: calls }), { parallel_tool_calls: false });
		expect(whole.response.output.map((o) => o.type === "function_call" && o.call_id)).toEqual(["call_a"]);
	});

	it("numbers an error event after the events before it, in OpenAI's streaming error shape", () => {
		const a = assembler();
		a.start();
		a.push(text("x"));
		expect(a.error(new HttpError(500, "the runner died", "runner_exited"))).toEqual({
			type: "error",
			sequence_number: 5,
			code: "runner_exited",
			message: "the runner died",
			param: null,
		});
	});
});
