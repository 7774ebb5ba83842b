import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import type { ChatMessage, GenerationChunk, GenerationResult, ToolDefinition } from "../Engine.js";
import type { Generation } from "../Generation.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

// Forced tool calls, streamed tool calls and a thinking model's reasoning, on generated models
// whose random weights want none of it: what the grammar and the chat wrapper make of them.
const engine = new LlamaCppEngine({ threads: 1 });
const ASK: ChatMessage[] = [{ role: "user", content: "what time is it in Taipei?" }];
const TOOLS: ToolDefinition[] = [
	{
		name: "get_time",
		description: "The time in a city, some days from now",
		parameters: {
			type: "object",
			properties: { city: { type: "string", enum: ["Taipei", "Tokyo"] }, days: { type: "integer" } },
			required: ["city", "days"],
		},
	},
	{
		name: "set_alarm",
		description: "Sets an alarm",
		parameters: { type: "object", properties: { hour: { type: "integer" }, loud: { type: "boolean" } }, required: ["hour"] },
	},
];

beforeAll(async () => {
	await engine.load(await testModel({ type: "Q8_0" }), { id: "plain" });
	await engine.load(await testModel({ type: "F32", callsTools: true }), { id: "caller" });
	await engine.load(await testModel({ type: "F32", thinking: "thinks" }), { id: "thinker" });
});
afterAll(() => engine.dispose());

/** The result and every chunk of a generation. */
async function collect(generation: Generation): Promise<{ result: GenerationResult; chunks: GenerationChunk[] }> {
	const chunks: GenerationChunk[] = [];
	for await (const chunk of generation.chunks()) chunks.push(chunk);
	return { result: await generation, chunks };
}

/**
 * Whether `args` (JSON text) are valid parameters of `tool`: its own small schemas, checked by hand.
 * node-llama-cpp's number grammar allows an exponent: 2E1444 and -2E1444 are integers as JSON Schema
 * defines them (no fraction), though JavaScript reads them as ±Infinity.
 */
function matchesSchema(tool: ToolDefinition, args: string): boolean {
	const value = JSON.parse(args) as Record<string, unknown>;
	const schema = tool.parameters as { properties: Record<string, { type: string; enum?: unknown[] }>; required: string[] };
	if (!schema.required.every((key) => key in value)) return false;
	return Object.entries(value).every(([key, v]) => {
		const property = schema.properties[key];
		if (!property) return false;
		if (property.enum) return property.enum.includes(v);
		if (property.type === "integer")
			return Number.isInteger(v) || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY;
		return typeof v === property.type;
	});
}

describe("a forced tool call", () => {
	it('("required") calls one of the tools with arguments that match its schema, whatever the model', async () => {
		for (const seed of [1, 2, 3]) {
			const { toolCalls, stats } = await engine.chat("plain", {
				messages: ASK,
				tools: TOOLS,
				toolChoice: "required",
				seed,
				maxTokens: 200,
			});
			expect(stats.stopReason).toBe("tool_calls");
			expect(toolCalls?.length).toBeGreaterThan(0);
			for (const call of toolCalls ?? []) {
				const tool = TOOLS.find((t) => t.name === call.name);
				expect(tool, call.name).toBeDefined();
				expect(matchesSchema(tool as ToolDefinition, call.arguments), call.arguments).toBe(true);
				expect(call.id).toMatch(/^call_\w{24}$/);
			}
			expect(new Set(toolCalls?.map((c) => c.id)).size).toBe(toolCalls?.length);
			expect(stats.generatedTokens).toBeGreaterThan(0);
		}
	});

	it("({name}) calls that tool, and documents every tool in the prompt as without the force", async () => {
		const auto = await engine.chat("plain", { messages: ASK, tools: TOOLS, maxTokens: 1, temperature: 0 });
		for (const seed of [4, 5]) {
			const forced = await engine.chat("plain", {
				messages: ASK,
				tools: TOOLS,
				toolChoice: { name: "set_alarm" },
				seed,
				maxTokens: 200,
			});
			expect(forced.stats.stopReason).toBe("tool_calls");
			expect(forced.toolCalls?.map((c) => c.name)).toEqual(forced.toolCalls?.map(() => "set_alarm"));
			for (const call of forced.toolCalls ?? []) expect(matchesSchema(TOOLS[1], call.arguments), call.arguments).toBe(true);
			expect(forced.stats.promptTokens).toBe(auto.stats.promptTokens);
		}
	});

	it("streams each call as it is written: id and name first, then argument deltas that add up to the call", async () => {
		const { result, chunks } = await collect(
			engine.chat("caller", { messages: ASK, tools: TOOLS, toolChoice: "required", seed: 7, maxTokens: 200 }),
		);
		const pieces = chunks.filter((c) => c.type === "toolCall");
		expect(result.toolCalls?.length).toBeGreaterThan(0);
		for (const [index, call] of (result.toolCalls ?? []).entries()) {
			const own = pieces.filter((p) => p.index === index);
			expect(own[0]).toEqual({ type: "toolCall", index, id: call.id, name: call.name, argumentsDelta: "" });
			expect(own.length).toBeGreaterThan(2);
			expect(own.every((p) => p.id === call.id && p.name === call.name)).toBe(true);
			expect(own.map((p) => p.argumentsDelta).join("")).toBe(call.arguments);
		}
		expect(chunks.filter((c) => c.type === "text").map((c) => c.text)).toEqual([]);
	});

	it('("none") offers no tools: a model that calls whenever it can answers in words', async () => {
		const plain = await engine.chat("caller", { messages: ASK, maxTokens: 5, temperature: 0 });
		const none = await engine.chat("caller", { messages: ASK, tools: TOOLS, toolChoice: "none", maxTokens: 5, temperature: 0 });
		expect(none.toolCalls).toBeUndefined();
		expect(none.stats.stopReason).toBe("max_tokens");
		expect(none.stats.promptTokens).toBe(plain.stats.promptTokens);
		expect(none.text).toBe(plain.text);
		const auto = await engine.chat("caller", { messages: ASK, tools: TOOLS, maxTokens: 200 });
		expect(auto.stats.stopReason).toBe("tool_calls");
	});

	it("is refused without tools, or naming a tool the request does not offer", async () => {
		await expect(engine.chat("plain", { messages: ASK, toolChoice: "required" })).rejects.toThrow(RangeError);
		await expect(engine.chat("plain", { messages: ASK, tools: TOOLS, toolChoice: { name: "nope" } })).rejects.toThrow(
			/not one of the tools \(get_time, set_alarm\)/,
		);
	});
});

describe("a thinking model", () => {
	it("has its thinking as reasoning, streamed before the answer and never part of its text", async () => {
		const { result, chunks } = await collect(engine.chat("thinker", { messages: ASK, maxTokens: 24, seed: 1 }));
		expect(result.reasoning).toBe("think about the question");
		expect(result.text.length).toBeGreaterThan(0);
		for (const leaked of ["<think>", "</think>", "about the question"]) expect(result.text).not.toContain(leaked);
		const reasoning = chunks.filter((c) => c.type === "reasoning");
		const text = chunks.filter((c) => c.type === "text");
		expect(reasoning.map((c) => c.text).join("")).toBe(result.reasoning);
		expect(text.map((c) => c.text).join("")).toBe(result.text);
		expect(chunks.findLastIndex((c) => c.type === "reasoning")).toBeLessThan(chunks.findIndex((c) => c.type === "text"));
		// max_tokens counts every token the model wrote, its thinking and tags included.
		expect(result.stats).toMatchObject({ generatedTokens: 24, stopReason: "max_tokens" });
		const textOnly: string[] = [];
		for await (const fragment of engine.chat("thinker", { messages: ASK, maxTokens: 24, seed: 1 })) textOnly.push(fragment);
		expect(textOnly.join("")).toBe(result.text);
	});

	it("is rendered by the template's own wrapper, which knows its tags (node-llama-cpp would pick ChatML's)", () => {
		expect(engine.listLoaded().find((m) => m.id === "thinker")?.template).toEqual({ source: "gguf", wrapper: "JinjaTemplate" });
	});

	it("matches stop strings on the answer only, and keeps JSON formats to the answer's grammar", async () => {
		const stopped = await engine.chat("thinker", { messages: ASK, maxTokens: 16, seed: 1, stop: ["question"] });
		expect(stopped.reasoning).toBe("think about the question");
		expect(stopped.stats.stopReason).toBe("max_tokens");
		const json = await engine.chat("thinker", { messages: ASK, maxTokens: 16, seed: 1, format: { type: "json" } });
		expect(json.reasoning).toBeUndefined();
		expect(json.text.trimStart()).toMatch(/^[[{"\d\-tfn]/);
	});
});
