import { InvalidModelFileError } from "../InvalidModelFileError.js";

/** What is wrong with a GGUF file, as a stable code that tests and the UI can rely on. */
export type GgufProblem =
	| "truncated_header"
	| "bad_magic"
	| "big_endian"
	| "unsupported_version"
	| "tensor_count_too_large"
	| "kv_count_too_large"
	| "string_past_end"
	| "string_too_long"
	| "invalid_utf8"
	| "unknown_value_type"
	| "nested_array"
	| "array_past_end"
	| "duplicate_key"
	| "bad_alignment"
	| "too_many_dimensions"
	| "bad_dimension"
	| "dimension_overflow"
	| "unknown_tensor_type"
	| "misaligned_row"
	| "duplicate_tensor"
	| "misaligned_tensor"
	| "tensor_past_end"
	| "tensors_overlap"
	| "token_id_out_of_range"
	| "tokenizer_arrays_mismatch";

/** A GGUF file refused by the checker: `problem` names the rule, the message says expected vs found. */
export class GgufFormatError extends InvalidModelFileError {
	constructor(
		path: string,
		readonly problem: GgufProblem,
		detail: string,
	) {
		super(path, detail);
		this.name = "GgufFormatError";
	}
}
