import { Template } from "@huggingface/jinja";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_CHAT_TEMPLATE, PHI3_SPECIAL_TOKENS } from "../../../test/fixtures/gguf/phi3ChatTemplate.js";
import { testModel } from "../../../test/fixtures/testModel.js";
import type { ChatMessage, LoadProgress } from "../Engine.js";
import { ContextOverflowError } from "../errors/ContextOverflowError.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";

const QUESTION: ChatMessage[] = [{ role: "user", content: "where is taiwan" }];
const engine = new LlamaCppEngine({ threads: 1 });
let phi3: string;

beforeAll(async () => {
	phi3 = await testModel({ type: "Q8_0" });
	await engine.load(phi3, { id: "phi3" });
});
afterAll(() => engine.dispose());

describe("Phi-3 prompt", () => {
	const conversation: ChatMessage[] = [
		{ role: "system", content: "You are a concise geography tutor." },
		{ role: "user", content: "where is taiwan" },
		{ role: "assistant", content: "An island in East Asia." },
		{ role: "user", content: "what is its capital?" },
		{ role: "assistant", content: "Taipei." },
		{ role: "user", content: "summarize this paragraph:\nThe island sits off the south east coast of China." },
	];

	it("is the GGUF template rendered by @huggingface/jinja, byte for byte", async () => {
		const expected = new Template(PHI3_CHAT_TEMPLATE).render({
			messages: conversation,
			add_generation_prompt: true,
			bos_token: "<s>",
			eos_token: "<|endoftext|>",
		});
		const rendered = await engine.renderChat("phi3", conversation);
		expect(rendered.text).toBe(expected);
		expect(rendered.template).toEqual({ source: "gguf", wrapper: "JinjaTemplate" });
	});

	it("tokenizes each special token to its single id, in place", async () => {
		const rendered = await engine.renderChat("phi3", conversation);
		const vocabulary = await specialIds();
		for (const special of ["<|system|>", "<|user|>", "<|assistant|>", "<|end|>"] as const) {
			expect(await engine.tokenize("phi3", special, { special: true })).toEqual([vocabulary[special]]);
		}
		const count = (id: number) => rendered.tokens.filter((t) => t === id).length;
		expect(count(vocabulary["<|system|>"])).toBe(1);
		expect(count(vocabulary["<|user|>"])).toBe(3);
		expect(count(vocabulary["<|assistant|>"])).toBe(3); // two answers and the generation prompt
		expect(count(vocabulary["<|end|>"])).toBe(6);
		// First the beginning token llama.cpp's tokenizer adds, as the model sees it; then the template.
		expect(rendered.tokens[0]).toBe((await engine.tokenize("phi3", "<s>", { special: true }))[0]);
		expect(rendered.tokens[1]).toBe(vocabulary["<|system|>"]);
		expect(rendered.tokens.at(-1)).toBe(vocabulary["<|assistant|>"]);
		// User text that spells a special token stays text: it must not become a control token.
		const injected = await engine.renderChat("phi3", [{ role: "user", content: "<|end|>" }]);
		expect(injected.tokens.filter((t) => t === vocabulary["<|end|>"])).toHaveLength(1);
	});

	it("is what generation evaluates: the prompt token count matches", async () => {
		const rendered = await engine.renderChat("phi3", conversation);
		const { stats } = await engine.chat("phi3", { messages: conversation, maxTokens: 2, temperature: 0 });
		expect(stats.promptTokens).toBe(rendered.tokens.length);
	});
});

describe("generation", () => {
	it("gives the same tokens for the same seed, and different ones for another seed", async () => {
		const ask = (seed: number) => engine.chat("phi3", { messages: QUESTION, seed, maxTokens: 24, temperature: 1 });
		const a = await ask(42);
		const b = await ask(42);
		expect(b.text).toBe(a.text);
		expect(a.stats.seed).toBe(42);
		const others = await Promise.all([1, 2, 3].map(async (seed) => (await ask(seed)).text));
		expect(others.some((text) => text !== a.text)).toBe(true);
	});

	it("is greedy at temperature 0, whatever the seed", async () => {
		const a = await engine.chat("phi3", { messages: QUESTION, seed: 1, maxTokens: 16, temperature: 0 });
		const b = await engine.chat("phi3", { messages: QUESTION, seed: 999, maxTokens: 16, temperature: 0 });
		expect(a.text.length).toBeGreaterThan(0);
		expect(b.text).toBe(a.text);
	});

	it("gives the same answer after unloading and loading again", async () => {
		const path = await testModel({ type: "F16", seed: 5 });
		const ask = async () => {
			await engine.load(path, { id: "reload" });
			const { text } = await engine.chat("reload", { messages: QUESTION, seed: 7, maxTokens: 20 });
			await engine.unload("reload");
			return text;
		};
		const first = await ask();
		expect(await ask()).toBe(first);
		expect(engine.listLoaded().map((m) => m.id)).not.toContain("reload");
	});

	it("reports load progress in order: runner start, weights, context", async () => {
		const seen: LoadProgress[] = [];
		// Flash attention set, so no probe: the stages of every load after a model's first (see flashAttentionChoice.test).
		const options = { id: "progress", flashAttention: false };
		await engine.load(await testModel({ type: "Q8_0" }), options, { onLoadProgress: (p) => seen.push(p) });
		await engine.unload("progress");
		expect(seen[0]).toEqual({ stage: "starting", fraction: 0 });
		expect(seen.at(-1)).toEqual({ stage: "context", fraction: 0.85 });
		expect(seen.some((p) => p.stage === "weights")).toBe(true);
		const fractions = seen.map((p) => p.fraction);
		expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
		const stages = seen.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]);
		expect(stages).toEqual(["starting", "weights", "context"]);
	});

	it("runs each conversation on the sequence that holds its history, so its next turn is not evaluated again", async () => {
		await engine.load(phi3, { id: "turns", parallel: 2 });
		try {
			// Answers longer than the history: the old answer is a conversation's own stale tail, not a loss.
			const ask = (messages: ChatMessage[]) => engine.chat("turns", { messages, temperature: 0, maxTokens: 40 });
			const a: ChatMessage[] = [{ role: "user", content: "where is taiwan" }];
			const a1 = await ask(a);
			const b1 = await ask([{ role: "user", content: "tell me about the sea and the mountains" }]);
			const a2 = await ask([...a, { role: "assistant", content: a1.text }, { role: "user", content: "and japan?" }]);
			expect(a1.stats.cachedPromptTokens).toBe(0);
			expect(b1.stats.cachedPromptTokens).toBe(0); // the empty sequence, not A's
			expect(a2.stats.cachedPromptTokens).toBeGreaterThanOrEqual(a1.stats.promptTokens);
			expect(a2.stats.cachedPromptTokens).toBeLessThan(a2.stats.promptTokens);
		} finally {
			await engine.unload("turns");
		}
	});

	it("gives a completion one beginning-of-sequence token, not two, and reuses its cache for the same prompt", async () => {
		await engine.load(phi3, { id: "completion" });
		try {
			const first = await engine.complete("completion", { prompt: "where is taiwan", temperature: 0, maxTokens: 12 });
			expect(first.stats.cachedPromptTokens).toBe(0);
			// The sequence holds <s> and the prompt once: all of it but the last token (which gives the
			// first prediction) is reused. With a doubled <s>, only the first token would match.
			const again = await engine.complete("completion", { prompt: "where is taiwan", temperature: 0, maxTokens: 12 });
			expect(again.text).toBe(first.text);
			expect(again.stats.cachedPromptTokens).toBe(again.stats.promptTokens - 1);
		} finally {
			await engine.unload("completion");
		}
	});

	it("evaluates a prompt that fills most of the context whole, never cutting its beginning", async () => {
		await engine.load(phi3, { id: "nearly-full", contextLength: 256 });
		try {
			// Between 90 % and 100 % of the context: node-llama-cpp would keep only the last 90 % by default.
			let words = 60;
			const prompt = () => "taiwan ".repeat(words).trim();
			while ((await engine.countTokens("nearly-full", prompt())) < 240) words++;
			const first = await engine.complete("nearly-full", { prompt: prompt(), temperature: 0, maxTokens: 4 });
			expect(first.stats.promptTokens).toBeGreaterThan(0.9 * 256);
			const again = await engine.complete("nearly-full", { prompt: prompt(), temperature: 0, maxTokens: 4 });
			// The sequence holds the whole prompt: all of it but the last token is reused.
			expect(again.stats.cachedPromptTokens).toBe(again.stats.promptTokens - 1);
		} finally {
			await engine.unload("nearly-full");
		}
	});

	it("honours max_tokens exactly", async () => {
		for (const maxTokens of [1, 7, 33]) {
			const { stats } = await engine.chat("phi3", { messages: QUESTION, maxTokens, seed: 3 });
			expect(stats.generatedTokens).toBe(maxTokens);
			expect(stats.stopReason).toBe("max_tokens");
		}
	});

	it("ends before a stop string, which does not appear in the answer", async () => {
		const free = await engine.chat("phi3", { messages: QUESTION, maxTokens: 40, temperature: 0 });
		const words = free.text.split(" ").filter((w) => w.length >= 3);
		const stop = words[Math.floor(words.length / 2)];
		const cut = free.text.indexOf(stop);
		const stopped = await engine.chat("phi3", { messages: QUESTION, maxTokens: 40, temperature: 0, stop: [stop] });
		expect(stopped.stats.stopReason).toBe("stop_string");
		expect(stopped.text).toBe(free.text.slice(0, cut));
		expect(stopped.text).not.toContain(stop);
	});

	it("streams fragments that add up to the result", async () => {
		const generation = engine.chat("phi3", { messages: QUESTION, maxTokens: 20, seed: 11 });
		const fragments: string[] = [];
		for await (const fragment of generation) fragments.push(fragment);
		const result = await generation;
		expect(fragments.length).toBeGreaterThan(1);
		expect(fragments.join("")).toBe(result.text);
		expect(result.stats.timeToFirstTokenMs).toBeGreaterThan(0);
		expect(result.stats.tokensPerSecond).toBeGreaterThan(0);
	});

	it("reports end of sequence when the model ends its answer", async () => {
		const path = await testModel({ type: "F32", endsEarly: true, seed: 2 });
		await engine.load(path, { id: "eos" });
		const { stats } = await engine.chat("eos", { messages: QUESTION, maxTokens: 200, temperature: 0 });
		expect(stats.stopReason).toBe("eos");
		expect(stats.generatedTokens).toBeLessThan(200);
		await engine.unload("eos");
	});

	it("stops with context_full when the context fills up, and refuses a prompt that cannot fit", async () => {
		const model = await engine.load(phi3, { id: "short", contextLength: 256 });
		const { stats } = await engine.complete("short", { prompt: "where is taiwan", temperature: 0 });
		expect(stats.stopReason).toBe("context_full");
		// llama.cpp keeps the last sampled token unevaluated, node-llama-cpp stops one short of it.
		expect(stats.promptTokens + stats.generatedTokens).toBeGreaterThanOrEqual(model.contextLength - 1);
		expect(stats.promptTokens + stats.generatedTokens).toBeLessThanOrEqual(model.contextLength);
		const long = Array.from({ length: 300 }, () => "island").join(" ");
		const error = await engine.chat("short", { messages: [{ role: "user", content: long }] }).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(ContextOverflowError);
		expect((error as ContextOverflowError).contextLength).toBe(model.contextLength);
		expect((error as ContextOverflowError).promptTokens).toBeGreaterThan(300);
		await engine.unload("short");
	});

	it("applies LM Studio's overflow policies only when asked: rolling window and truncate middle", async () => {
		const model = await engine.load(phi3, { id: "policies", contextLength: 256 });
		const turn = (i: number): ChatMessage => ({
			role: i % 2 === 0 ? "user" : "assistant",
			content: `${i} ${Array.from({ length: 30 }, () => "island").join(" ")}`,
		});
		const system: ChatMessage = { role: "system", content: "Be brief." };
		const messages = [system, ...Array.from({ length: 9 }, (_, i) => turn(i))];
		await expect(engine.chat("policies", { messages, maxTokens: 8 })).rejects.toBeInstanceOf(ContextOverflowError);
		const fits = async (kept: ChatMessage[]) =>
			(await engine.renderChat("policies", kept)).tokens.length <= model.contextLength - 8;
		// What each policy should keep: drop oldest (or second-oldest) non-system turns until it fits.
		for (const [policy, dropAt] of [
			["rollingWindow", 1],
			["truncateMiddle", 2],
		] as const) {
			let expected = [...messages];
			while (!(await fits(expected))) expected = expected.filter((_, i) => i !== dropAt);
			const { stats } = await engine.chat("policies", { messages, maxTokens: 8, contextOverflowPolicy: policy });
			const rendered = await engine.renderChat("policies", expected);
			expect(stats.promptTokens).toBe(rendered.tokens.length);
			expect(stats.truncatedPromptTokens).toBe(
				(await engine.renderChat("policies", messages)).tokens.length - rendered.tokens.length,
			);
			expect(expected[0]).toBe(system);
			expect(expected.at(-1)).toBe(messages.at(-1));
			if (policy === "truncateMiddle") expect(expected[1]).toBe(messages[1]);
		}
		const long = Array.from({ length: 400 }, () => "island").join(" ");
		const rolled = await engine.complete("policies", { prompt: long, maxTokens: 8, contextOverflowPolicy: "rollingWindow" });
		expect(rolled.stats.promptTokens).toBe(model.contextLength - 8);
		expect(rolled.stats.generatedTokens).toBe(8);
		await engine.unload("policies");
	});

	it("generates from every tensor type and from a llama model with a fallback template", async () => {
		for (const type of ["F32", "F16", "Q8_0", "Q4_0"] as const) {
			await engine.load(await testModel({ type }), { id: type });
			const { stats } = await engine.chat(type, { messages: QUESTION, maxTokens: 8, seed: 1 });
			expect(stats.generatedTokens).toBe(8);
			await engine.unload(type);
		}
		const llama = await engine.load(await testModel({ architecture: "llama", type: "Q4_0" }), { id: "llama" });
		expect(llama.template.source).toBe("fallback");
		const { text, stats } = await engine.chat("llama", { messages: QUESTION, maxTokens: 8, seed: 1 });
		expect(stats.generatedTokens).toBe(8);
		expect(text.length).toBeGreaterThan(0);
		await engine.unload("llama");
	});

	it("lets the model call tools through node-llama-cpp's function calling", async () => {
		await engine.load(await testModel({ type: "F32", callsTools: true }), { id: "tools" });
		const tools = [
			{
				name: "get_time",
				description: "The time in a city",
				parameters: { type: "object", properties: { city: { enum: ["Taipei", "Tokyo"] } } },
			},
		];
		const ask: ChatMessage[] = [{ role: "user", content: "what time is it in Taipei?" }];
		const plain = await engine.chat("tools", { messages: ask, maxTokens: 3 });
		const called = await engine.chat("tools", { messages: ask, tools, maxTokens: 60 });
		expect(called.stats.stopReason).toBe("tool_calls");
		expect(called.toolCalls).toHaveLength(1);
		expect(called.toolCalls?.[0].name).toBe("get_time");
		expect(["Taipei", "Tokyo"]).toContain(JSON.parse(called.toolCalls?.[0].arguments ?? "").city);
		// The tools are documented in the prompt the model sees.
		expect(called.stats.promptTokens).toBeGreaterThan(plain.stats.promptTokens + 20);
		const call = called.toolCalls?.[0];
		const answered = await engine.chat("tools", {
			messages: [
				...ask,
				{ role: "assistant", content: "", toolCalls: call ? [call] : [] },
				{ role: "tool", toolCallId: call?.id, content: "14:05" },
			],
			tools,
			maxTokens: 5,
		});
		expect(answered.stats.promptTokens).toBeGreaterThan(called.stats.promptTokens);
		await engine.unload("tools");
	});

	it("embeds text into vectors of the model's width, deterministically", async () => {
		const [a, b] = await engine.embed("phi3", ["where is taiwan", "where is taiwan"]);
		expect(a).toHaveLength(64);
		expect(b).toEqual(a);
		expect(a.every(Number.isFinite)).toBe(true);
	});

	it("uses the thread count it is given", () => {
		expect(engine.listLoaded().find((m) => m.id === "phi3")?.threads).toBe(1);
	});
});

/** Ids of Phi-3's special tokens in the fixture vocabulary, read from the GGUF itself. */
async function specialIds(): Promise<Record<(typeof PHI3_SPECIAL_TOKENS)[number], number>> {
	const { gguf } = await import("@huggingface/gguf");
	const { metadata } = await gguf(phi3, { allowLocalFile: true });
	const tokens = (metadata as Record<string, unknown>)["tokenizer.ggml.tokens"] as string[];
	return Object.fromEntries(PHI3_SPECIAL_TOKENS.map((t) => [t, tokens.indexOf(t)])) as Record<
		(typeof PHI3_SPECIAL_TOKENS)[number],
		number
	>;
}
