import type { Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import type { ChatMessage, ContextOverflowPolicy } from "../Engine.js";
import { ContextOverflowError } from "../errors/ContextOverflowError.js";
import { fitPrompt, type PromptLimits } from "./fitPrompt.js";

const t = (...ids: number[]) => ids as Token[];
const range = (from: number, count: number) => t(...Array.from({ length: count }, (_, i) => from + i));

// A toy template: a beginning token 1, then per message one header token 2 and one token per
// character of its content (its char codes), so a message's length is its token count.
const render = (messages: ChatMessage[]) => ({
	tokens: t(1, ...messages.flatMap((m) => [2, ...[...m.content].map((c) => c.charCodeAt(0))])),
	contents: messages.map((m) => m.content),
});
const message = (role: ChatMessage["role"], content: string): ChatMessage => ({ role, content });
// 1 + 5 × (1 + 3) = 21 tokens.
const conversation = [
	message("system", "sys"),
	message("user", "aaa"),
	message("assistant", "bbb"),
	message("user", "ccc"),
	message("user", "ddd"),
];

const limits = (contextLength: number, policy: ContextOverflowPolicy, maxTokens?: number): PromptLimits => ({
	contextLength,
	policy,
	maxTokens,
});

describe("fitPrompt for a chat", () => {
	const cases: {
		name: string;
		limits: PromptLimits;
		keepAllMessages?: boolean;
		kept: string[];
		truncated: number;
		maxTokens: number;
		onMaxTokens: "max_tokens" | "context_full";
	}[] = [
		{
			name: "leaves a prompt that fits whole, generating to the end of the context without a limit",
			limits: limits(64, "error"),
			kept: ["sys", "aaa", "bbb", "ccc", "ddd"],
			truncated: 0,
			maxTokens: 43,
			onMaxTokens: "context_full",
		},
		{
			name: "keeps the request's max tokens when they fit",
			limits: limits(64, "error", 10),
			kept: ["sys", "aaa", "bbb", "ccc", "ddd"],
			truncated: 0,
			maxTokens: 10,
			onMaxTokens: "max_tokens",
		},
		{
			name: "caps max tokens at the room left, which then ends as a full context",
			limits: limits(24, "stopAtLimit", 10),
			kept: ["sys", "aaa", "bbb", "ccc", "ddd"],
			truncated: 0,
			maxTokens: 3,
			onMaxTokens: "context_full",
		},
		{
			name: "max tokens exactly the room left ends as max_tokens",
			limits: limits(24, "error", 3),
			kept: ["sys", "aaa", "bbb", "ccc", "ddd"],
			truncated: 0,
			maxTokens: 3,
			onMaxTokens: "max_tokens",
		},
		{
			name: "rollingWindow drops the oldest non-system messages until the answer's room is free",
			// Reserve min(8, 12) = 8: the prompt may hold 16 tokens, so two messages go (21 → 13).
			limits: limits(24, "rollingWindow", 8),
			kept: ["sys", "ccc", "ddd"],
			truncated: 8,
			maxTokens: 8,
			onMaxTokens: "max_tokens",
		},
		{
			name: "truncateMiddle drops the messages after the first non-system one",
			limits: limits(24, "truncateMiddle", 8),
			kept: ["sys", "aaa", "ddd"],
			truncated: 8,
			maxTokens: 8,
			onMaxTokens: "max_tokens",
		},
		{
			name: "without max tokens a truncating policy keeps a quarter of the context for the answer",
			// Reserve floor(24 / 4) = 6: the prompt may hold 18 tokens, so one message goes (21 → 17).
			limits: limits(24, "rollingWindow"),
			kept: ["sys", "bbb", "ccc", "ddd"],
			truncated: 4,
			maxTokens: 7,
			onMaxTokens: "context_full",
		},
		{
			name: "the reserve is at most half the context, however large max tokens is",
			// Reserve min(100, 16) = 16: the prompt may hold 16 tokens (21 → 13); then 19 left.
			limits: limits(32, "rollingWindow", 100),
			kept: ["sys", "ccc", "ddd"],
			truncated: 8,
			maxTokens: 19,
			onMaxTokens: "context_full",
		},
		{
			name: "a truncating policy leaves a prompt alone when it leaves the answer's room",
			limits: limits(64, "truncateMiddle", 8),
			kept: ["sys", "aaa", "bbb", "ccc", "ddd"],
			truncated: 0,
			maxTokens: 8,
			onMaxTokens: "max_tokens",
		},
		{
			name: "keeps every message when told to (tools), though the policy truncates",
			limits: limits(24, "rollingWindow", 8),
			keepAllMessages: true,
			kept: ["sys", "aaa", "bbb", "ccc", "ddd"],
			truncated: 0,
			maxTokens: 3,
			onMaxTokens: "context_full",
		},
	];
	it.each(cases)("$name", (c) => {
		const fitted = fitPrompt(
			{ kind: "chat", messages: conversation, render, keepAllMessages: c.keepAllMessages ?? false },
			c.limits,
		);
		expect(fitted.rendered?.contents).toEqual(c.kept);
		expect(fitted.tokens).toEqual(render(conversation.filter((m) => c.kept.includes(m.content))).tokens);
		expect(fitted.truncatedPromptTokens).toBe(c.truncated);
		expect(fitted.maxTokens).toBe(c.maxTokens);
		expect(fitted.onMaxTokens).toBe(c.onMaxTokens);
	});

	const refused: { name: string; limits: PromptLimits; messages?: ChatMessage[]; keepAllMessages?: boolean; tokens: number }[] = [
		{ name: "error refuses a prompt that fills the context", limits: limits(21, "error"), tokens: 21 },
		{ name: "stopAtLimit refuses it the same way", limits: limits(20, "stopAtLimit", 1), tokens: 21 },
		{
			name: "a truncating policy refuses what still does not fit once only system and last messages are left",
			limits: limits(12, "rollingWindow"),
			// Only the system and the last message left: 1 + 4 + 9 = 14 tokens, over the 12 of the context.
			messages: [message("system", "sys"), message("user", "aaa"), message("user", "dddddddd")],
			tokens: 14,
		},
		{
			name: "a truncating policy refuses a prompt it may not cut (tools)",
			limits: limits(20, "truncateMiddle"),
			keepAllMessages: true,
			tokens: 21,
		},
	];
	it.each(refused)("$name", (c) => {
		const fit = () =>
			fitPrompt(
				{ kind: "chat", messages: c.messages ?? conversation, render, keepAllMessages: c.keepAllMessages ?? false },
				c.limits,
			);
		expect(fit).toThrow(ContextOverflowError);
		expect(fit).toThrow(expect.objectContaining({ promptTokens: c.tokens, contextLength: c.limits.contextLength }));
	});

	it("gives rollingWindow's kept history with a prompt that fits after it drops what it may", () => {
		// Truncation stops short of the reserve when nothing more may go; the prompt still fits.
		const messages = [message("system", "sys"), message("user", "aaa"), message("user", "dddddddd")];
		const fitted = fitPrompt({ kind: "chat", messages, render, keepAllMessages: false }, limits(16, "rollingWindow"));
		expect(fitted.rendered?.contents).toEqual(["sys", "dddddddd"]);
		expect(fitted.truncatedPromptTokens).toBe(4);
		expect(fitted.maxTokens).toBe(2);
	});
});

describe("fitPrompt for a completion", () => {
	const BOS = 1 as Token;
	// A beginning token, then 29 text tokens 100…128.
	const prompt = t(BOS, ...range(100, 29));
	const cases: {
		name: string;
		tokens?: Token[];
		bos?: Token | null;
		limits: PromptLimits;
		expected: Token[];
		truncated: number;
		maxTokens: number;
	}[] = [
		{ name: "leaves a prompt that fits", limits: limits(40, "error", 4), expected: prompt, truncated: 0, maxTokens: 4 },
		{
			name: "rollingWindow keeps the beginning token and the latest tokens",
			// Reserve 8 of 24: keep 16, the beginning token and the last 15.
			limits: limits(24, "rollingWindow", 8),
			expected: t(BOS, ...range(114, 15)),
			truncated: 14,
			maxTokens: 8,
		},
		{
			name: "rollingWindow keeps only the latest tokens when the prompt has no beginning token",
			tokens: range(100, 30),
			limits: limits(24, "rollingWindow", 8),
			expected: range(114, 16),
			truncated: 14,
			maxTokens: 8,
		},
		{
			name: "rollingWindow keeps only the latest tokens when the model has no beginning token",
			bos: null,
			limits: limits(24, "rollingWindow", 8),
			expected: range(113, 16),
			truncated: 14,
			maxTokens: 8,
		},
		{
			name: "truncateMiddle keeps the first half and the last half of what fits",
			// Reserve 8 of 24: keep 16, the first 8 and the last 8.
			limits: limits(24, "truncateMiddle", 8),
			expected: t(BOS, ...range(100, 7), ...range(121, 8)),
			truncated: 14,
			maxTokens: 8,
		},
		{
			name: "without max tokens truncateMiddle keeps a quarter of the context for the answer",
			// Reserve floor(23 / 4) = 5: keep 18, the first 9 and the last 9.
			limits: limits(23, "truncateMiddle"),
			expected: t(BOS, ...range(100, 8), ...range(120, 9)),
			truncated: 12,
			maxTokens: 5,
		},
		{
			name: "truncateMiddle gives an odd count's extra token to the head",
			// Reserve 5 of 22: keep 17, the first 9 and the last 8.
			limits: limits(22, "truncateMiddle", 5),
			expected: t(BOS, ...range(100, 8), ...range(121, 8)),
			truncated: 13,
			maxTokens: 5,
		},
	];
	it.each(cases)("$name", (c) => {
		const fitted = fitPrompt(
			{ kind: "completion", tokens: c.tokens ?? prompt, bos: c.bos === undefined ? BOS : c.bos },
			c.limits,
		);
		expect(fitted.tokens).toEqual(c.expected);
		expect(fitted.rendered).toBeUndefined();
		expect(fitted.truncatedPromptTokens).toBe(c.truncated);
		expect(fitted.maxTokens).toBe(c.maxTokens);
	});

	it.each(["error", "stopAtLimit"] as const)("%s refuses a prompt that fills the context, with both counts", (policy) => {
		const fit = () => fitPrompt({ kind: "completion", tokens: prompt, bos: BOS }, limits(30, policy, 1));
		expect(fit).toThrow(expect.objectContaining({ name: "ContextOverflowError", promptTokens: 30, contextLength: 30 }));
	});
});
