import type { LlamaGrammar } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { DEFAULT_SAMPLING } from "../resolveSampling.js";
import type { ResolvedSampling } from "./runnerProtocol.js";
import { toLlamaSampling } from "./toLlamaSampling.js";

const sampling = (overrides: Partial<ResolvedSampling> = {}): ResolvedSampling => ({
	...DEFAULT_SAMPLING,
	stop: [],
	seed: 42,
	contextOverflowPolicy: "error",
	logitBias: {},
	...overrides,
});

describe("toLlamaSampling", () => {
	it("passes the sampler settings and the seed through as they are", () => {
		expect(toLlamaSampling(sampling({ temperature: 0.3, topK: 7, topP: 0.5, minP: 0.2, seed: 9 }))).toMatchObject({
			temperature: 0.3,
			topK: 7,
			topP: 0.5,
			minP: 0.2,
			seed: 9,
		});
	});

	const penalties: {
		name: string;
		given: Pick<ResolvedSampling, "repeatPenalty" | "presencePenalty" | "frequencyPenalty">;
		expected: ReturnType<typeof toLlamaSampling>["repeatPenalty"];
	}[] = [
		{
			name: "the defaults: a repeat penalty over the last 64 tokens",
			given: { repeatPenalty: 1.1, presencePenalty: 0, frequencyPenalty: 0 },
			expected: { penalty: 1.1, presencePenalty: 0, frequencyPenalty: 0, lastTokens: 64 },
		},
		{
			name: "all three neutral: penalties off",
			given: { repeatPenalty: 1, presencePenalty: 0, frequencyPenalty: 0 },
			expected: false,
		},
		{
			name: "only a presence penalty",
			given: { repeatPenalty: 1, presencePenalty: 0.5, frequencyPenalty: 0 },
			expected: { penalty: 1, presencePenalty: 0.5, frequencyPenalty: 0, lastTokens: 64 },
		},
		{
			name: "only a (negative) frequency penalty",
			given: { repeatPenalty: 1, presencePenalty: 0, frequencyPenalty: -0.5 },
			expected: { penalty: 1, presencePenalty: 0, frequencyPenalty: -0.5, lastTokens: 64 },
		},
		{
			name: "a repeat penalty under 1",
			given: { repeatPenalty: 0.9, presencePenalty: 0, frequencyPenalty: 0 },
			expected: { penalty: 0.9, presencePenalty: 0, frequencyPenalty: 0, lastTokens: 64 },
		},
	];
	it.each(penalties)("penalties, $name", ({ given, expected }) => {
		expect(toLlamaSampling(sampling(given)).repeatPenalty).toEqual(expected);
	});

	it("constrains the output with the grammar compiled for a JSON format, and leaves it free without one", () => {
		const grammar = { grammar: "root ::= object" } as unknown as LlamaGrammar;
		expect(toLlamaSampling(sampling({ format: { type: "json" } }), grammar).grammar).toBe(grammar);
		expect(toLlamaSampling(sampling()).grammar).toBeUndefined();
	});

	it("gives exactly the options it documents, nothing for node-llama-cpp to pick up by accident", () => {
		expect(Object.keys(toLlamaSampling(sampling())).sort()).toEqual(
			["grammar", "minP", "repeatPenalty", "seed", "temperature", "topK", "topP"].sort(),
		);
	});
});
