import { describe, expect, it } from "vitest";
import { OllamaModel, OllamaTimings } from "../../api/ollama/OllamaResponses.js";
import type { GenerationResult } from "../../engine/Engine.js";
import type { LocalModel } from "../../models/ModelStore.js";
import { fromOllamaOptions, ollamaTimings, toOllamaModel } from "./ollamaTranslate.js";

describe("Ollama options as Hearth's sampling and load options", () => {
	it.each([
		["nothing", undefined, undefined, {}, {}],
		["num_predict > 0 caps the answer", { num_predict: 7 }, undefined, { maxTokens: 7 }, {}],
		["num_predict -1 is until the model stops", { num_predict: -1 }, undefined, { maxTokens: undefined }, {}],
		["num_predict -2 likewise", { num_predict: -2 }, undefined, { maxTokens: undefined }, {}],
		["a stop string becomes a list", { stop: "\n" }, undefined, { stop: ["\n"] }, {}],
		["a negative seed is random", { seed: -1 }, undefined, { seed: undefined }, {}],
		[
			"sampling names",
			{ temperature: 0, top_k: 5, top_p: 0.5, min_p: 0.1, repeat_penalty: 1.2 },
			undefined,
			{ temperature: 0, topK: 5, topP: 0.5, minP: 0.1, repeatPenalty: 1.2 },
			{},
		],
		[
			"num_ctx and num_thread load the model",
			{ num_ctx: 2048, num_thread: 2 },
			undefined,
			{},
			{ contextLength: 2048, threads: 2 },
		],
		["format json", undefined, "json", { format: { type: "json" } }, {}],
		["format as a schema", undefined, { type: "object" }, { format: { type: "json_schema", schema: { type: "object" } } }, {}],
		["an empty format is none", undefined, "", { format: undefined }, {}],
	] as const)("%s", (_, options, format, sampling, load) => {
		const translated = fromOllamaOptions(options, format as never);
		expect(translated.sampling).toMatchObject(sampling);
		expect(translated.load).toMatchObject(load);
	});
});

describe("Ollama's timings", () => {
	it("are nanoseconds, with prompt time the time to first token and eval time the rest", () => {
		const result = {
			text: "",
			stats: { promptTokens: 11, generatedTokens: 5, timeToFirstTokenMs: 20, totalMs: 70, tokensPerSecond: 80 },
		} as GenerationResult;
		const timings = ollamaTimings(result, 3, performance.now() - 100);
		expect(OllamaTimings.parse(timings)).toMatchObject({
			load_duration: 3_000_000,
			prompt_eval_count: 11,
			prompt_eval_duration: 20_000_000,
			eval_count: 5,
			eval_duration: 50_000_000,
		});
		expect(timings.total_duration).toBeGreaterThanOrEqual(100_000_000);
	});
});

describe("a local model as /api/tags lists it", () => {
	const model = {
		key: "microsoft/Phi-3-mini-4k-instruct-gguf/Phi-3-mini-4k-instruct-q4.gguf",
		source: "hearth",
		sizeBytes: 2_000,
		modifiedAt: Date.parse("2026-11-30T10:00:00Z"),
		info: { architecture: "phi3", parameterCount: 3_821_079_552, quantization: "Q4_0" },
	} as LocalModel;

	it("has Ollama's fields and types: name:tag, the file's time and digest, family and size from the header", () => {
		const listed = OllamaModel.parse(toOllamaModel(model, "ab".repeat(32)));
		expect(listed).toMatchObject({
			name: "hf.co/microsoft/Phi-3-mini-4k-instruct-gguf:Q4_0",
			modified_at: "2026-11-30T10:00:00.000Z",
			digest: "ab".repeat(32),
			size: 2_000,
			details: { format: "gguf", family: "phi3", families: ["phi3"], parameter_size: "3.8B", quantization_level: "Q4_0" },
		});
	});

	it("says unknown for a model without a readable header", () => {
		expect(toOllamaModel({ ...model, info: undefined }).details).toMatchObject({ family: "unknown", parameter_size: "unknown" });
	});

	it.each([
		[3_036_672, "3.0M"],
		[137_000_000, "137.0M"],
		[7_241_732_096, "7.2B"],
	])("a model of %d parameters is %s", (count, size) => {
		const info = { ...model.info, parameterCount: count } as LocalModel["info"];
		expect(toOllamaModel({ ...model, info }).details.parameter_size).toBe(size);
	});

	it.each([
		[{ key: "tinyphi:latest", source: "ollama" }, "tinyphi:latest"],
		[{ key: "local/tiny/tiny-Q4_0.gguf", source: "hearth" }, "local/tiny:Q4_0"],
		[{ key: "/data/x.gguf", source: "folder" }, "/data/x.gguf:latest"],
	] as const)("%o is named %s", (fields, name) => {
		expect(toOllamaModel({ ...model, ...fields }).name).toBe(name);
	});
});
