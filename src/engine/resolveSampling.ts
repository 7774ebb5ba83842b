import { randomInt } from "node:crypto";
import { withoutUndefined } from "../util/withoutUndefined.js";
import type { SamplingOptions } from "./Engine.js";
import type { ResolvedSampling } from "./llama/runnerProtocol.js";

/** Defaults of LM Studio, Ollama and llama-server alike, so answers feel the same as there. */
export const DEFAULT_SAMPLING = {
	temperature: 0.8,
	topK: 40,
	topP: 0.95,
	minP: 0.05,
	repeatPenalty: 1.1,
	presencePenalty: 0,
	frequencyPenalty: 0,
} as const;

/** Applies defaults and checks ranges; the seed is fixed here so the result can report it. */
export function resolveSampling(options: SamplingOptions, modelSeed?: number): ResolvedSampling {
	const s = { ...DEFAULT_SAMPLING, ...withoutUndefined(options) };
	check("temperature", s.temperature, 0, 100);
	check("topK", s.topK, 0, Number.MAX_SAFE_INTEGER, true);
	check("topP", s.topP, 0, 1);
	check("minP", s.minP, 0, 1);
	check("repeatPenalty", s.repeatPenalty, 0, 100);
	check("presencePenalty", s.presencePenalty, -2, 2);
	check("frequencyPenalty", s.frequencyPenalty, -2, 2);
	if (options.maxTokens !== undefined) check("maxTokens", options.maxTokens, 1, Number.MAX_SAFE_INTEGER, true);
	for (const [token, bias] of Object.entries(options.logitBias ?? {})) {
		check("logit_bias token id", Number(token), 0, Number.MAX_SAFE_INTEGER, true);
		check(`logit_bias of token ${token}`, bias, -100, 100);
	}
	const seed = options.seed ?? modelSeed ?? randomInt(0, 2 ** 32);
	check("seed", seed, 0, 2 ** 32 - 1, true);
	return {
		temperature: s.temperature,
		topK: s.topK,
		topP: s.topP,
		minP: s.minP,
		repeatPenalty: s.repeatPenalty,
		presencePenalty: s.presencePenalty,
		frequencyPenalty: s.frequencyPenalty,
		maxTokens: options.maxTokens,
		stop: (options.stop ?? []).filter((x) => x !== ""),
		seed,
		format: options.format,
		logitBias: options.logitBias ?? {},
		contextOverflowPolicy: options.contextOverflowPolicy ?? "error",
	};
}

function check(name: string, value: number, min: number, max: number, integer = false): void {
	if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
		throw new RangeError(`${name} must be ${integer ? "an integer " : ""}between ${min} and ${max}; got ${value}`);
}
