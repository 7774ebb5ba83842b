import type { LlamaCompletionGenerationOptions, LlamaGrammar } from "node-llama-cpp";
import type { ResolvedSampling } from "./runnerProtocol.js";

/** The sampler settings LlamaCompletion and LlamaChat share. */
export type LlamaSampling = Pick<
	LlamaCompletionGenerationOptions,
	"temperature" | "topK" | "topP" | "minP" | "seed" | "repeatPenalty" | "grammar"
>;

/**
 * Hearth's sampling as node-llama-cpp's options. `grammar` is `sampling.format` compiled (that
 * needs the Llama, so the caller does it, once per format). Neutral penalties are passed as
 * `false`, which spares node-llama-cpp collecting the last tokens at every step for a penalty that
 * changes nothing.
 */
export function toLlamaSampling(sampling: ResolvedSampling, grammar?: LlamaGrammar): LlamaSampling {
	const neutral = sampling.repeatPenalty === 1 && sampling.presencePenalty === 0 && sampling.frequencyPenalty === 0;
	return {
		temperature: sampling.temperature,
		topK: sampling.topK,
		topP: sampling.topP,
		minP: sampling.minP,
		seed: sampling.seed,
		repeatPenalty: neutral
			? false
			: {
					penalty: sampling.repeatPenalty,
					presencePenalty: sampling.presencePenalty,
					frequencyPenalty: sampling.frequencyPenalty,
					// The window the API documents for repeatPenalty (node-llama-cpp's default too).
					lastTokens: 64,
				},
		grammar,
	};
}
