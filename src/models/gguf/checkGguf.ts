import { ggmlTypeSize } from "../ggmlTypeSize.js";
import { type ByteSource, fileSource } from "./ByteSource.js";
import { GgufFormatError, type GgufProblem } from "./GgufFormatError.js";

/** What the checker learned on its way through a valid file. */
export interface GgufSummary {
	version: number;
	tensorCount: number;
	kvCount: number;
	alignment: number;
	/** Offset of the tensor data section. */
	dataOffset: number;
	/** Bytes of tensor data, padding excluded. */
	tensorBytes: number;
	/** `split.count` and `split.no` of a split model's part, when present. */
	split?: { count: number; index: number };
}

const MAGIC = 0x46554747; // "GGUF" read little-endian
const MAX_DIMS = 4; // GGML_MAX_DIMS
const MAX_TENSOR_NAME = 63; // GGML_MAX_NAME - 1
const MAX_KEY = 65535;
const MIN_KV_BYTES = 8 + 1 + 4 + 1; // key length, one key byte, type, smallest value
const MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 8 + 4 + 8; // name length, one byte, n_dims, one dim, type, offset
const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
const TOKEN_ID_KEYS = ["bos", "eos", "eot", "eom", "unknown", "padding", "sep", "cls", "mask"].map(
	(k) => `tokenizer.ggml.${k}_token_id`,
);
const TOKENIZER_ARRAYS = ["tokenizer.ggml.scores", "tokenizer.ggml.token_type"];
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Checks a GGUF file's structure before any native code reads it, refusing what llama.cpp's own
 * history shows to be dangerous: counts and lengths that cannot fit in the file, tensors past its
 * end or overlapping, too many dimensions, overflowing sizes, unknown types, duplicate keys, token
 * ids outside the vocabulary. Every declared count is checked against the bytes left before
 * anything is allocated or looped over, so a hostile header costs no memory and no time.
 */
export function checkGgufFile(path: string): GgufSummary {
	const source = fileSource(path);
	try {
		return checkGguf(source, path);
	} finally {
		source.close();
	}
}

export function checkGguf(source: ByteSource, path: string): GgufSummary {
	return new Checker(source, path).run();
}

class Checker {
	private pos = 0;

	constructor(
		private readonly src: ByteSource,
		private readonly path: string,
	) {}

	run(): GgufSummary {
		if (this.src.size < 24) this.fail("truncated_header", `a GGUF header needs 24 bytes, the file has ${this.src.size}`);
		const magic = this.u32("truncated_header");
		if (magic !== MAGIC) {
			// Never quote the bytes found: an error message must not become a way to read other files.
			this.fail("bad_magic", 'expected magic 47 47 55 46 ("GGUF"): this is not a GGUF file');
		}
		const version = this.u32("truncated_header");
		if (version === 0x03000000 || version === 0x02000000)
			this.fail("big_endian", "big-endian GGUF files are not supported (llama.cpp reads little-endian)");
		if (version !== 2 && version !== 3) this.fail("unsupported_version", `expected GGUF version 2 or 3, found ${version}`);
		const tensorCount = this.count("tensor_count_too_large", "tensor", MIN_TENSOR_INFO_BYTES);
		const kvCount = this.count("kv_count_too_large", "key/value", MIN_KV_BYTES);

		const keys = new Set<string>();
		const numbers = new Map<string, number>();
		const arrayLengths = new Map<string, number>();
		for (let i = 0; i < kvCount; i++) {
			const key = this.string("key", MAX_KEY);
			if (keys.has(key)) this.fail("duplicate_key", `key "${key}" appears twice`);
			keys.add(key);
			const type = this.u32("truncated_header");
			if (type === ARRAY) {
				const itemType = this.u32("truncated_header");
				if (itemType === ARRAY) this.fail("nested_array", `key "${key}" is an array of arrays`);
				const itemSize = this.valueSize(itemType, key);
				const length = this.u64("truncated_header");
				if (length * itemSize > this.left())
					this.fail("array_past_end", `array "${key}" declares ${length} items, more than the ${this.left()} bytes left`);
				if (itemType === STRING) for (let j = 0; j < length; j++) this.skipString(`item ${j} of "${key}"`);
				else this.pos += length * itemSize;
				arrayLengths.set(key, length);
			} else if (type === STRING) {
				this.skipString(`value of "${key}"`);
			} else {
				const size = this.valueSize(type, key);
				this.need(size, "truncated_header", `value of "${key}"`);
				numbers.set(key, this.scalar(type));
			}
		}

		const alignment = numbers.get("general.alignment") ?? 32;
		if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0)
			this.fail("bad_alignment", `general.alignment must be a power of two, found ${alignment}`);

		const tensors: { name: string; offset: number; bytes: number }[] = [];
		const names = new Set<string>();
		for (let i = 0; i < tensorCount; i++) tensors.push(this.tensorInfo(names, alignment));
		const dataOffset = Math.ceil(this.pos / alignment) * alignment;
		this.checkTensorData(tensors, dataOffset);
		this.checkTokenizer(numbers, arrayLengths);

		const splitCount = numbers.get("split.count");
		return {
			version,
			tensorCount,
			kvCount,
			alignment,
			dataOffset,
			tensorBytes: tensors.reduce((sum, t) => sum + t.bytes, 0),
			split: splitCount === undefined ? undefined : { count: splitCount, index: numbers.get("split.no") ?? 0 },
		};
	}

	private tensorInfo(names: Set<string>, alignment: number): { name: string; offset: number; bytes: number } {
		const name = this.string("tensor name", MAX_TENSOR_NAME);
		if (names.has(name)) this.fail("duplicate_tensor", `tensor "${name}" appears twice`);
		names.add(name);
		const dims = this.u32("truncated_header");
		if (dims === 0 || dims > MAX_DIMS)
			this.fail("too_many_dimensions", `tensor "${name}" has ${dims} dimensions, expected 1 to ${MAX_DIMS}`);
		let elements = 1n;
		const shape: bigint[] = [];
		for (let d = 0; d < dims; d++) {
			this.need(8, "truncated_header", `dimensions of "${name}"`);
			const n = this.src.read(this.pos, 8).readBigInt64LE();
			this.pos += 8;
			if (n < 0n) this.fail("bad_dimension", `tensor "${name}" has dimension ${n}, expected a non-negative size`);
			shape.push(n);
			elements *= n;
			if (elements > BigInt(Number.MAX_SAFE_INTEGER))
				this.fail("dimension_overflow", `tensor "${name}" has ${shape.join(" × ")}… elements, more than any file holds`);
		}
		const type = this.u32("truncated_header");
		const size = ggmlTypeSize(type);
		if (!size) this.fail("unknown_tensor_type", `tensor "${name}" has type ${type}, which llama.cpp does not know`);
		if (shape[0] % BigInt(size.blockSize) !== 0n)
			this.fail("misaligned_row", `tensor "${name}" rows of ${shape[0]} values do not divide into blocks of ${size.blockSize}`);
		const offset = this.u64("truncated_header");
		if (offset % alignment !== 0)
			this.fail("misaligned_tensor", `tensor "${name}" data offset ${offset} is not a multiple of the alignment ${alignment}`);
		const bytes = (Number(elements) / size.blockSize) * size.typeSize;
		return { name, offset, bytes };
	}

	private checkTensorData(tensors: { name: string; offset: number; bytes: number }[], dataOffset: number): void {
		const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
		let previous: { name: string; end: number } | undefined;
		for (const t of sorted) {
			const end = dataOffset + t.offset + t.bytes;
			if (end > this.src.size)
				this.fail(
					"tensor_past_end",
					`tensor "${t.name}" data ends at byte ${end} but the file has ${this.src.size} bytes (truncated download?)`,
				);
			if (previous && dataOffset + t.offset < previous.end)
				this.fail("tensors_overlap", `tensor "${t.name}" overlaps the data of tensor "${previous.name}"`);
			if (t.bytes > 0) previous = { name: t.name, end };
		}
	}

	private checkTokenizer(numbers: Map<string, number>, arrays: Map<string, number>): void {
		const vocabulary = arrays.get("tokenizer.ggml.tokens");
		if (vocabulary === undefined) return;
		for (const key of TOKENIZER_ARRAYS) {
			const length = arrays.get(key);
			if (length !== undefined && length !== vocabulary)
				this.fail("tokenizer_arrays_mismatch", `${key} has ${length} entries, expected one per token (${vocabulary})`);
		}
		for (const key of TOKEN_ID_KEYS) {
			const id = numbers.get(key);
			// -1 is how some converters write "no such token".
			if (id !== undefined && id !== -1 && (id < 0 || id >= vocabulary))
				this.fail("token_id_out_of_range", `${key} is ${id}, outside the vocabulary of ${vocabulary} tokens`);
		}
	}

	private count(problem: GgufProblem, what: string, minBytes: number): number {
		const n = this.u64("truncated_header");
		if (n * minBytes > this.left())
			this.fail(problem, `the header declares ${n} ${what} entries, but only ${this.left()} bytes follow`);
		return n;
	}

	private valueSize(type: number, key: string): number {
		if (type === STRING) return 8;
		const size = SCALAR_SIZE[type];
		if (size === undefined) this.fail("unknown_value_type", `key "${key}" has value type ${type}, expected 0 to 12`);
		return size;
	}

	private scalar(type: number): number {
		const b = this.src.read(this.pos, SCALAR_SIZE[type]);
		this.pos += b.length;
		switch (type) {
			case 0:
				return b.readUInt8();
			case 1:
				return b.readInt8();
			case 2:
				return b.readUInt16LE();
			case 3:
				return b.readInt16LE();
			case 4:
				return b.readUInt32LE();
			case 5:
				return b.readInt32LE();
			case 6:
				return b.readFloatLE();
			case 7:
				return b.readUInt8();
			case 10:
				return Number(b.readBigUInt64LE());
			case 11:
				return Number(b.readBigInt64LE());
			default:
				return b.readDoubleLE();
		}
	}

	private string(what: string, maxLength: number): string {
		const length = this.u64("truncated_header");
		if (length > maxLength) this.fail("string_too_long", `${what} is ${length} bytes long, the limit is ${maxLength}`);
		this.need(length, "string_past_end", what);
		const bytes = this.src.read(this.pos, length);
		this.pos += length;
		try {
			return utf8.decode(bytes);
		} catch {
			return this.fail("invalid_utf8", `${what} is not valid UTF-8`);
		}
	}

	private skipString(what: string): void {
		const length = this.u64("truncated_header");
		this.need(length, "string_past_end", what);
		this.pos += length;
	}

	private u32(problem: GgufProblem): number {
		this.need(4, problem, "a 32-bit field");
		const v = this.src.read(this.pos, 4).readUInt32LE();
		this.pos += 4;
		return v;
	}

	/** A u64 as a number; values past 2^53 cannot describe anything in a file, so they saturate. */
	private u64(problem: GgufProblem): number {
		this.need(8, problem, "a 64-bit field");
		const v = this.src.read(this.pos, 8).readBigUInt64LE();
		this.pos += 8;
		return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
	}

	private left(): number {
		return this.src.size - this.pos;
	}

	private need(bytes: number, problem: GgufProblem, what: string): void {
		if (bytes > this.left())
			this.fail(problem, `${what} needs ${bytes} bytes at offset ${this.pos}, but the file ends at ${this.src.size}`);
	}

	private fail(problem: GgufProblem, detail: string): never {
		throw new GgufFormatError(this.path, problem, detail);
	}
}
