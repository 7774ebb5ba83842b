import type { LlamaCompletionGenerationOptions, LlamaGrammar, TokenBias } from "node-llama-cpp";
import type { ResolvedSampling } from "./runnerProtocol.js";

/** The sampler settings LlamaCompletion and LlamaChat share. */
export type LlamaSampling = Pick<
	LlamaCompletionGenerationOptions,
	"temperature" | "topK" | "topP" | "minP" | "seed" | "repeatPenalty" | "grammar" | "tokenBias"
>;

/**
 * Hearth's sampling as node-llama-cpp's options. `grammar` is `sampling.format` compiled (that
 * needs the Llama, so the caller does it, once per format). Neutral penalties are passed as
 * `false`, which spares node-llama-cpp collecting the last tokens at every step for a penalty that
 * changes nothing. `tokenBias` is `sampling.logitBias` built on the model's tokenizer, when it has any.
 */
export function toLlamaSampling(sampling: ResolvedSampling, grammar?: LlamaGrammar, tokenBias?: TokenBias): LlamaSampling {
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
		...(tokenBias ? { tokenBias } : {}),
	};
}
