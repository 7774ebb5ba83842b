/**
 * A quantized KV cache this model cannot have: llama.cpp stores each attention head's keys in
 * blocks of 32 values, so a head size that 32 does not divide fails the context.
 */
export class UnsupportedKvCacheTypeError extends Error {
	readonly code = "unsupported_kv_cache_type";
	constructor(
		readonly kvCacheType: string,
		readonly headSize: number,
	) {
		super(`a ${kvCacheType} KV cache needs an attention head size that 32 divides; this model's is ${headSize} (use f16)`);
		this.name = "UnsupportedKvCacheTypeError";
	}
}
