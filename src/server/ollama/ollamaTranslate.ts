import type { z } from "zod";
import type { OllamaFormat, OllamaOptions } from "../../api/ollama/OllamaRequests.js";
import type { OllamaModel, OllamaTimings } from "../../api/ollama/OllamaResponses.js";
import type { GenerationResult, LoadOptions, OutputFormat, SamplingOptions } from "../../engine/Engine.js";
import type { LocalModel } from "../../models/ModelStore.js";
import { ollamaName } from "../../models/ollamaName.js";

/** Ollama's `options` as Hearth's sampling, and `num_ctx` / `num_thread` as load options. */
export function fromOllamaOptions(
	options: OllamaOptions | undefined,
	format?: z.infer<typeof OllamaFormat>,
): { sampling: SamplingOptions; load: LoadOptions } {
	const o = options ?? {};
	const outputFormat: OutputFormat | undefined =
		format === "json"
			? { type: "json" }
			: format && typeof format === "object"
				? { type: "json_schema", schema: format }
				: undefined;
	return {
		sampling: {
			temperature: o.temperature,
			topK: o.top_k,
			topP: o.top_p,
			minP: o.min_p,
			repeatPenalty: o.repeat_penalty,
			presencePenalty: o.presence_penalty,
			frequencyPenalty: o.frequency_penalty,
			// Ollama: num_predict -1 (or -2) means "until the model stops".
			maxTokens: o.num_predict !== undefined && o.num_predict > 0 ? o.num_predict : undefined,
			stop: o.stop === undefined ? undefined : typeof o.stop === "string" ? [o.stop] : o.stop,
			seed: o.seed !== undefined && o.seed >= 0 ? o.seed : undefined,
			format: outputFormat,
		},
		load: { contextLength: o.num_ctx, threads: o.num_thread },
	};
}

/** The final object's timings, in nanoseconds as Ollama reports them. */
export function ollamaTimings(result: GenerationResult, loadMs: number, startedAt: number): OllamaTimings {
	const ns = (ms: number) => Math.round(ms * 1e6);
	const { stats } = result;
	return {
		total_duration: ns(performance.now() - startedAt),
		load_duration: ns(loadMs),
		prompt_eval_count: stats.promptTokens,
		prompt_eval_duration: ns(stats.timeToFirstTokenMs),
		eval_count: stats.generatedTokens,
		eval_duration: ns(Math.max(0, stats.totalMs - stats.timeToFirstTokenMs)),
	};
}

/** A model as /api/tags and /api/ps describe it; `digest` is its file's sha256 when known. */
export function toOllamaModel(model: LocalModel, digest?: string): OllamaModel {
	const info = model.info;
	const name = ollamaName(model);
	return {
		name,
		model: name,
		modified_at: new Date(model.modifiedAt).toISOString(),
		size: model.sizeBytes,
		digest: digest ?? "",
		details: {
			parent_model: "",
			format: "gguf",
			family: info?.architecture ?? "unknown",
			families: [info?.architecture ?? "unknown"],
			parameter_size: info ? parameterSize(info.parameterCount) : "unknown",
			quantization_level: info?.quantization ?? "unknown",
		},
	};
}

/** Ollama's parameter sizes: "3.8B", "137M", "3.0M". */
function parameterSize(count: number): string {
	if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
	if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
	return `${(count / 1e3).toFixed(1)}K`;
}
