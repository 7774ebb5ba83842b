import { stat } from "node:fs/promises";
import type { GgufFileInfo, GgufTensorInfo } from "node-llama-cpp";
import { readSetting } from "../config/settings.js";
import { estimateMemory, type MemoryEstimate } from "./fit/estimateMemory.js";
import { checkGgufFile } from "./gguf/checkGguf.js";
import { InvalidModelFileError } from "./InvalidModelFileError.js";
import { ModelFileNotFoundError } from "./ModelFileNotFoundError.js";

export interface SpecialToken {
	id: number;
	text: string;
}

/** What a GGUF file says about the model in it. */
export interface ModelInfo {
	path: string;
	fileSize: number;
	ggufVersion: number;
	architecture: string;
	name?: string;
	parameterCount: number;
	/** e.g. "Q4_0", "Q4_K_M", "F16" */
	quantization: string;
	contextLength?: number;
	layers?: number;
	embeddingLength?: number;
	headCount?: number;
	/** Values per attention head in the keys (a quantized KV cache needs 32 to divide it). */
	keyLength?: number;
	vocabSize?: number;
	chatTemplate?: string;
	specialTokens: Partial<Record<"bos" | "eos" | "eot" | "unknown" | "padding", SpecialToken>>;
	tensorCount: number;
	/** Memory needed at `memory.contextLength` (the requested context, capped at the trained one). */
	memory: MemoryEstimate;
}

/**
 * Checks a GGUF file's structure (`checkGgufFile`), then reads its header with node-llama-cpp's
 * parser: no native code runs and no weights are read, so a broken or truncated file is refused
 * here rather than handed to llama.cpp. node-llama-cpp is imported only here, on the first header read,
 * so that listing models whose facts are cached (ModelInfoCache) never loads it.
 */
export async function readModelInfo(
	path: string,
	options: { contextLength?: number; sequences?: number } = {},
): Promise<ModelInfo> {
	let fileSize: number;
	try {
		const s = await stat(path);
		if (!s.isFile()) throw new InvalidModelFileError(path, "it is not a file");
		fileSize = s.size;
	} catch (error) {
		if (error instanceof InvalidModelFileError) throw error;
		throw new ModelFileNotFoundError(path);
	}
	// Our own bounds checks first: node-llama-cpp's reader and llama.cpp trust the header more.
	checkGgufFile(path);
	const llama = await import("node-llama-cpp");
	let info: GgufFileInfo;
	try {
		info = await llama.readGgufFileInfo(path, { sourceType: "filesystem", logWarnings: false, spliceSplitFiles: false });
	} catch (error) {
		throw new InvalidModelFileError(path, firstLine(error));
	}
	const tensors = info.fullTensorInfo ?? [];
	let parameterCount = 0;
	for (const tensor of tensors) parameterCount += tensor.dimensions.reduce<number>((a, d) => a * Number(d), 1);
	const meta = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
	const general = meta.general ?? {};
	const architecture = String(general.architecture ?? "unknown");
	const arch = meta[architecture] ?? {};
	const tokenizer = (meta.tokenizer ?? {}) as Record<string, unknown>;
	const ggml = (tokenizer.ggml ?? {}) as Record<string, unknown>;
	const tokens = Array.isArray(ggml.tokens) ? (ggml.tokens as string[]) : [];
	const special = (key: string): SpecialToken | undefined => {
		const id = ggml[key];
		return typeof id === "number" && id >= 0 && id < tokens.length ? { id, text: tokens[id] } : undefined;
	};
	const attention = (arch.attention ?? {}) as Record<string, unknown>;
	return {
		path,
		fileSize,
		ggufVersion: info.version,
		architecture,
		name: typeof general.name === "string" ? general.name : undefined,
		parameterCount,
		quantization: quantizationName(general.file_type, tensors, llama),
		contextLength: numberOrUndefined(arch.context_length),
		layers: numberOrUndefined(arch.block_count),
		embeddingLength: numberOrUndefined(arch.embedding_length),
		headCount: numberOrUndefined(attention.head_count),
		keyLength: numberOrUndefined(attention.key_length) ?? headSize(arch.embedding_length, attention.head_count),
		vocabSize: tokens.length || undefined,
		chatTemplate: typeof tokenizer.chat_template === "string" ? tokenizer.chat_template : undefined,
		specialTokens: {
			bos: special("bos_token_id"),
			eos: special("eos_token_id"),
			eot: special("eot_token_id"),
			unknown: special("unknown_token_id"),
			padding: special("padding_token_id"),
		},
		tensorCount: tensors.length,
		memory: await estimateMemory(info, options.contextLength ?? readSetting("contextLength"), options.sequences),
	};
}

/** general.file_type as llama.cpp names it ("MOSTLY_Q4_K_M" → "Q4_K_M"), else the dominant tensor type. */
function quantizationName(
	fileType: unknown,
	tensors: readonly GgufTensorInfo[],
	{ GgufFileType, GgmlType }: Pick<typeof import("node-llama-cpp"), "GgufFileType" | "GgmlType">,
): string {
	if (typeof fileType === "number" && GgufFileType[fileType] !== undefined)
		return GgufFileType[fileType].replace(/^(MOSTLY|ALL)_/, "");
	const counts = new Map<number, number>();
	for (const t of tensors) counts.set(t.ggmlType, (counts.get(t.ggmlType) ?? 0) + 1);
	const dominant = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
	return dominant === undefined ? "unknown" : (GgmlType[dominant] ?? "unknown");
}

/** llama.cpp's default key length: the embedding split evenly over the heads. */
function headSize(embedding: unknown, heads: unknown): number | undefined {
	return typeof embedding === "number" && typeof heads === "number" && heads > 0 ? embedding / heads : undefined;
}

function numberOrUndefined(v: unknown): number | undefined {
	return typeof v === "number" ? v : undefined;
}

function firstLine(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.split("\n")[0] || "unreadable GGUF header";
}
