import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, parseModelSpec } from "./modelSpec.js";

describe("parseModelSpec", () => {
	it.each([
		[undefined, { repo: DEFAULT_MODEL.repo, file: DEFAULT_MODEL.file }],
		["bartowski/Llama-GGUF", { repo: "bartowski/Llama-GGUF" }],
		["bartowski/Llama-GGUF@Q4_K_M", { repo: "bartowski/Llama-GGUF", quant: "Q4_K_M" }],
		["bartowski/Llama-GGUF/sub/x-Q8_0.gguf", { repo: "bartowski/Llama-GGUF", file: "sub/x-Q8_0.gguf" }],
		["hf.co/bartowski/Llama-GGUF:Q4_K_M", { repo: "bartowski/Llama-GGUF", quant: "Q4_K_M" }],
		["hf.co/bartowski/Llama-GGUF", { repo: "bartowski/Llama-GGUF", quant: undefined }],
		["huggingface.co/bartowski/Llama-GGUF:latest", { repo: "bartowski/Llama-GGUF", quant: undefined }],
	])("%s", (spec, parsed) => {
		expect(parseModelSpec(spec)).toEqual(parsed);
	});
});
