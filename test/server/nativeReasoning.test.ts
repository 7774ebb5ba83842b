import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import type { NativeChatEvent, NativeChatRequest } from "../../src/api/native/NativeChat.js";
import type { ChatRequest } from "../../src/engine/Engine.js";
import type { ChatSettings } from "../../web/src/chat/ChatSettings.js";
import { chatRequest } from "../../web/src/chat/chatRequest.js";
import { renderPrompt } from "../fixtures/fakePrompt.js";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// A thinking model on the native chat: its reasoning streams as `reasoning` events apart from the
// answer's fragments, comes whole in `done`, is stored with the answer, and stays out of the prompt
// of the next turn. The fake llama thinks six words (one token each) before it answers.
let server: FakeServer;
let client: HearthClient;
const thinkingLlama = { thinker: /tiny-llama/, tokenDelayMs: 0 };
const QUESTION = [{ role: "user" as const, content: "where is taiwan" }];
const SETTINGS: ChatSettings = {
	temperature: "0.8",
	topP: "",
	topK: "",
	minP: "",
	repeatPenalty: "",
	maxTokens: "10",
	stop: "",
	seed: "3",
	overflow: "error",
};

beforeAll(async () => {
	server = await startFakeServer();
	client = new HearthClient(server.url);
});
afterAll(() => server.close());

const chatEvents = async (request: NativeChatRequest) => {
	const events: NativeChatEvent[] = [];
	for await (const event of client.chat(request)) events.push(event);
	return events;
};
const textOf = (events: NativeChatEvent[], type: "fragment" | "reasoning") =>
	events.flatMap((e) => (e.type === type ? [e.text] : [])).join("");
const lastPrompt = () => {
	const last = server.engine.requests.at(-1);
	if (last?.kind !== "chat") throw new Error("the engine was asked no chat");
	return renderPrompt((last.request as ChatRequest).messages).text;
};

describe("a thinking model on /hearth/chat", () => {
	it("streams its reasoning as reasoning events before the answer's fragments, and whole in done", async () => {
		await server.engine.with(thinkingLlama, async () => {
			const events = await chatEvents({ model: LLAMA_KEY, messages: QUESTION, maxTokens: 10, seed: 2 });
			expect(events.map((e) => e.type)).toEqual(["start", ...Array(6).fill("reasoning"), ...Array(4).fill("fragment"), "done"]);
			const done = events.at(-1);
			if (done?.type !== "done") throw new Error(`ended with ${done?.type}`);
			const reasoning = textOf(events, "reasoning");
			expect(reasoning.split(" ")).toHaveLength(6);
			expect(done.reasoning).toBe(reasoning);
			// The answer is the fragments alone: a client that ignores reasoning events reads just it.
			expect(done.text).toBe(textOf(events, "fragment"));
			expect(done.text).not.toContain(reasoning);
			expect(done.stats).toMatchObject({ generatedTokens: 10, reasoningTokens: 6, stopReason: "max_tokens" });
			expect(server.engine.finished.at(-1)?.result?.text).toBe(done.text);
		});
	});

	it("ends with reasoning and no answer when max tokens runs out while it thinks", async () => {
		await server.engine.with(thinkingLlama, async () => {
			const events = await chatEvents({ model: LLAMA_KEY, messages: QUESTION, maxTokens: 3, seed: 2 });
			expect(events.map((e) => e.type)).toEqual(["start", "reasoning", "reasoning", "reasoning", "done"]);
			expect(events.at(-1)).toMatchObject({
				type: "done",
				text: "",
				reasoning: textOf(events, "reasoning"),
				stats: { reasoningTokens: 3, stopReason: "max_tokens" },
			});
		});
	});

	it("sends no reasoning from a model that does not think", async () => {
		const events = await chatEvents({ model: PHI3_KEY, messages: QUESTION, maxTokens: 4, seed: 2 });
		expect(events.map((e) => e.type)).toEqual(["start", "fragment", "fragment", "fragment", "fragment", "done"]);
		const done = events.at(-1);
		expect(done).not.toHaveProperty("reasoning");
		expect(done?.type === "done" && done.stats.reasoningTokens).toBeUndefined();
	});

	it("keeps the reasoning with the stored answer, and leaves it out of the next turn's prompt", async () => {
		await server.engine.with(thinkingLlama, async () => {
			// As the web UI does it: store the question, ask, store the answer with its reasoning and stats.
			const chat = await client.createChat({ title: "thinking", model: LLAMA_KEY });
			const question = await client.appendMessage(chat.id, { role: "user", content: "where is taiwan" });
			const first = await chatEvents(chatRequest({ model: LLAMA_KEY, system: "", settings: SETTINGS, history: [question] }));
			const done = first.at(-1);
			if (done?.type !== "done" || !done.reasoning) throw new Error("the first answer has no reasoning");
			await client.appendMessage(chat.id, {
				role: "assistant",
				content: done.text,
				reasoning: done.reasoning,
				stats: done.stats,
			});

			const { messages } = await client.chatWithMessages(chat.id);
			expect(messages.map((m) => [m.role, m.content, m.reasoning])).toEqual([
				["user", "where is taiwan", undefined],
				["assistant", done.text, done.reasoning],
			]);
			expect(messages[1].stats?.reasoningTokens).toBe(6);
			expect((await client.exportChat(chat.id)).messages[1].reasoning).toBe(done.reasoning);

			const next = await client.appendMessage(chat.id, { role: "user", content: "and japan?" });
			await chatEvents(chatRequest({ model: LLAMA_KEY, system: "", settings: SETTINGS, history: [...messages, next] }));
			const prompt = lastPrompt();
			expect(prompt).toContain(`<|assistant|>\n${done.text}<|end|>`);
			expect(prompt).not.toContain(done.reasoning);
			await client.deleteChat(chat.id);
		});
	});
});
