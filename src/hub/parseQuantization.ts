/**
 * The quantization a GGUF file name announces, as people write it: "Q4_K_M", "IQ3_XS", "Q8_0",
 * "F16", "BF16", or Microsoft's short "q4" / "fp16" for Phi-3. Upper case, as LM Studio shows it.
 */
const PATTERN =
	/(?:^|[-_.])(I?Q[1-8]_(?:K_(?:XXS|XS|S|M|L|XL)|K|XXS|XS|S|M|NL|[01])|IQ[1-4]_(?:XXS|XS|S|M|NL)|TQ[12]_0|MXFP4|BF16|FP16|F16|FP32|F32|Q[2-8])(?=[-_.]|$)/i;

export function parseQuantization(fileName: string): string | undefined {
	const base =
		fileName
			.split("/")
			.at(-1)
			?.replace(/(-\d{5}-of-\d{5})?\.gguf$/i, "") ?? "";
	const match = PATTERN.exec(base);
	return match ? match[1].toUpperCase() : undefined;
}
