import { describe, expect, it } from "vitest";
import { parseQuantization } from "./parseQuantization.js";

describe("parseQuantization", () => {
	it.each([
		["Phi-3-mini-4k-instruct-q4.gguf", "Q4"],
		["Phi-3-mini-4k-instruct-fp16.gguf", "FP16"],
		["Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "Q4_K_M"],
		["Llama-3.2-1B-Instruct-IQ3_XS.gguf", "IQ3_XS"],
		["mistral-7b-instruct-v0.2.Q5_K_S.gguf", "Q5_K_S"],
		["qwen2.5-7b-instruct-q8_0-00001-of-00002.gguf", "Q8_0"],
		["gemma-2-2b-it-BF16.gguf", "BF16"],
		["model-f16.gguf", "F16"],
		["Q4_K_M/Llama-70B-Q4_K_M-00002-of-00005.gguf", "Q4_K_M"],
		["tinyllama-1.1b-chat-v1.0.Q2_K.gguf", "Q2_K"],
		["DeepSeek-R1-UD-IQ1_S.gguf", "IQ1_S"],
		["gpt-oss-20b-MXFP4.gguf", "MXFP4"],
		["Qwen3-8B-Q6_K_XL.gguf", "Q6_K_XL"],
		["model.gguf", undefined],
		["llama-3-8b-instruct.gguf", undefined],
	])("%s → %s", (name, quant) => {
		expect(parseQuantization(name)).toBe(quant);
	});
});
