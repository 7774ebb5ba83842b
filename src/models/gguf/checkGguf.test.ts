import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	encodeGgufHeader,
	type GgufHeaderOverrides,
	type GgufTensorInfo,
	type GgufValue,
} from "../../../test/fixtures/gguf/GgufWriter.js";
import { ggufMutations, mutateGguf } from "../../../test/fixtures/gguf/ggufMutation.js";
import { testModel } from "../../../test/fixtures/testModel.js";
import { bufferSource } from "./ByteSource.js";
import { checkGguf, checkGgufFile } from "./checkGguf.js";
import { GgufFormatError, type GgufProblem } from "./GgufFormatError.js";

const F32 = 0;
const Q4_0 = 2;
const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
const u64 = (n: bigint) => {
	const b = Buffer.alloc(8);
	b.writeBigUInt64LE(n);
	return b;
};

interface Spec {
	meta?: [string, GgufValue][];
	tensors?: GgufTensorInfo[];
	/** Bytes of tensor data after the header; default: exactly what the tensors need. */
	dataBytes?: number;
	overrides?: GgufHeaderOverrides;
}

const BASE_META: [string, GgufValue][] = [
	["general.architecture", { type: "string", value: "llama" }],
	["tokenizer.ggml.tokens", { type: "array", itemType: "string", items: ["<unk>", "<s>", "</s>", "a"] }],
	["tokenizer.ggml.scores", { type: "array", itemType: "float32", items: [0, 0, 0, -1] }],
	["tokenizer.ggml.eos_token_id", { type: "uint32", value: 2 }],
];
const BASE_TENSORS: GgufTensorInfo[] = [
	{ name: "token_embd.weight", dims: [32, 4], type: F32, offset: 0 }, // 512 bytes
	{ name: "output.weight", dims: [32, 4], type: Q4_0, offset: 512 }, // 72 bytes
];

function build({ meta = BASE_META, tensors = BASE_TENSORS, dataBytes = 584, overrides }: Spec = {}): Buffer {
	return Buffer.concat([encodeGgufHeader(new Map(meta), tensors, overrides), Buffer.alloc(dataBytes)]);
}

function problemOf(bytes: Buffer): GgufProblem | "valid" {
	try {
		checkGguf(bufferSource(bytes), "test.gguf");
		return "valid";
	} catch (error) {
		if (error instanceof GgufFormatError) return error.problem;
		throw error;
	}
}

const withMeta = (key: string, value: GgufValue): [string, GgufValue][] => [...BASE_META, [key, value]];
const withTensor = (t: Partial<GgufTensorInfo>): GgufTensorInfo[] => [BASE_TENSORS[0], { ...BASE_TENSORS[1], ...t }];

describe("checkGguf catalogue of broken files", () => {
	const cases: [string, () => Buffer, GgufProblem][] = [
		["an empty file", () => Buffer.alloc(0), "truncated_header"],
		["a header cut short", () => build().subarray(0, 20), "truncated_header"],
		["a header cut inside the vocabulary", () => build().subarray(0, 90), "string_past_end"],
		["GGML's old magic", () => build({ overrides: { magic: 0x67676d6c } }), "bad_magic"],
		["version 1", () => build({ overrides: { version: 1 } }), "unsupported_version"],
		["a big-endian file", () => build({ overrides: { version: 0x03000000 } }), "big_endian"],
		["2^40 tensors", () => build({ overrides: { tensorCount: 2n ** 40n } }), "tensor_count_too_large"],
		["2^62 key/values", () => build({ overrides: { kvCount: 2n ** 62n } }), "kv_count_too_large"],
		[
			"a string value longer than the file",
			() => build({ meta: withMeta("general.name", { type: "raw", typeId: 8, bytes: u64(2n ** 62n) }) }),
			"string_past_end",
		],
		[
			"an array of 2^40 integers",
			() => build({ meta: withMeta("x.ids", { type: "raw", typeId: 9, bytes: Buffer.concat([u32(4), u64(2n ** 40n)]) }) }),
			"array_past_end",
		],
		[
			"a string array item past the end",
			() =>
				build({
					meta: withMeta("x.names", { type: "raw", typeId: 9, bytes: Buffer.concat([u32(8), u64(1n), u64(10_000_000n)]) }),
				}),
			"string_past_end",
		],
		["value type 13", () => build({ meta: withMeta("x.bad", { type: "raw", typeId: 13, bytes: u32(0) }) }), "unknown_value_type"],
		[
			"an array of arrays",
			() => build({ meta: withMeta("x.nested", { type: "raw", typeId: 9, bytes: Buffer.concat([u32(9), u64(1n)]) }) }),
			"nested_array",
		],
		[
			"a duplicate key",
			() =>
				build({
					meta: withMeta("general.architecture.again", { type: "string", value: "llama" }),
					overrides: { keyBytes: new Map([["general.architecture.again", Buffer.from("general.architecture")]]) },
				}),
			"duplicate_key",
		],
		[
			"a key that is not UTF-8",
			() => build({ overrides: { keyBytes: new Map([["general.architecture", Buffer.from([0xc3, 0x28])]]) } }),
			"invalid_utf8",
		],
		["alignment 3", () => build({ meta: withMeta("general.alignment", { type: "uint32", value: 3 }) }), "bad_alignment"],
		["a 5-dimensional tensor", () => build({ tensors: withTensor({ dims: [32, 1, 1, 1, 4] }) }), "too_many_dimensions"],
		["a 0-dimensional tensor", () => build({ tensors: withTensor({ dims: [] }) }), "too_many_dimensions"],
		["a negative dimension", () => build({ tensors: withTensor({ dims: [32, -4n & 0xffffffffffffffffn] }) }), "bad_dimension"],
		[
			"dimensions whose product overflows",
			() => build({ tensors: withTensor({ dims: [2n ** 32n, 2n ** 32n] }) }),
			"dimension_overflow",
		],
		["tensor type 99", () => build({ tensors: withTensor({ type: 99 }) }), "unknown_tensor_type"],
		["a Q4_0 row of 33 values", () => build({ tensors: withTensor({ dims: [33, 4] }) }), "misaligned_row"],
		["an unaligned data offset", () => build({ tensors: withTensor({ offset: 513 }) }), "misaligned_tensor"],
		["tensor data past the end of the file", () => build({ dataBytes: 500 }), "tensor_past_end"],
		["a tensor offset of 2^50", () => build({ tensors: withTensor({ offset: 2n ** 50n }) }), "tensor_past_end"],
		["overlapping tensors", () => build({ tensors: withTensor({ offset: 256 }) }), "tensors_overlap"],
		["two tensors of one name", () => build({ tensors: withTensor({ name: "token_embd.weight" }) }), "duplicate_tensor"],
		["a tensor name of 200 bytes", () => build({ tensors: withTensor({ name: "x".repeat(200) }) }), "string_too_long"],
		[
			"an EOS id outside the vocabulary",
			() => build({ meta: withMeta("tokenizer.ggml.bos_token_id", { type: "uint32", value: 4 }) }),
			"token_id_out_of_range",
		],
		[
			"fewer scores than tokens",
			() =>
				build({
					meta: [...BASE_META.slice(0, 2), ["tokenizer.ggml.scores", { type: "array", itemType: "float32", items: [0, 0] }]],
				}),
			"tokenizer_arrays_mismatch",
		],
	];

	it("has at least 15 kinds of damage", () => {
		expect(new Set(cases.map(([, , p]) => p)).size).toBeGreaterThanOrEqual(15);
	});

	it("accepts the well-formed base file", () => {
		expect(problemOf(build())).toBe("valid");
	});

	it.each(cases)("refuses %s", (_name, make, problem) => {
		expect(problemOf(make())).toBe(problem);
	});

	it("says what it expected and what it found", () => {
		expect(() => checkGguf(bufferSource(build({ overrides: { version: 7 } })), "m.gguf")).toThrow(
			"m.gguf is not a valid GGUF model: expected GGUF version 2 or 3, found 7",
		);
	});
});

describe("checkGguf on generated models", () => {
	it.each(["F32", "F16", "Q8_0", "Q4_0"] as const)("accepts a generated %s model", async (type) => {
		const summary = checkGgufFile(await testModel({ type }));
		expect(summary).toMatchObject({ version: 3, alignment: 32 });
		expect(summary.tensorCount).toBe(3 + 2 * 6); // embeddings, output norm, output; 6 per block
	});

	it("refuses the same model cut short", async () => {
		const bytes = readFileSync(await testModel({ type: "Q4_0" }));
		expect(problemOf(bytes.subarray(0, bytes.length - 100))).toBe("tensor_past_end");
	});
});

describe("checkGguf under mutation", () => {
	it("throws nothing but GgufFormatError, quickly and without growing memory, on thousands of mutated files", async () => {
		const original = readFileSync(await testModel({ type: "Q4_0" }));
		// The header (with its ~1000-token vocabulary) is where parsing happens; mutate mostly there.
		const mutations = ggufMutations(original.length, 40_000);
		const heapBefore = process.memoryUsage().heapUsed;
		let slowest = 0;
		const seen = new Set<string>();
		fc.assert(
			fc.property(mutations, (changes) => {
				const bytes = mutateGguf(original, changes);
				const started = performance.now();
				seen.add(problemOf(bytes)); // rethrows anything that is not a GgufFormatError
				slowest = Math.max(slowest, performance.now() - started);
			}),
			{ numRuns: 3000, seed: 20261126 },
		);
		expect(slowest).toBeLessThan(1000);
		// The mutations really reach many rules, not just one early check.
		expect(seen.size).toBeGreaterThanOrEqual(8);
		expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 2 ** 20);
	});
});
