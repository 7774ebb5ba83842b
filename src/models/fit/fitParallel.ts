/**
 * How many sequences to give a model: the most, up to `max`, whose memory need fits in
 * `availableBytes`. Each sequence holds a whole context of KV cache (node-llama-cpp has no unified
 * cache), so 4 sequences of Phi-3-mini at 4096 tokens need 6 GiB where one needs 1.6. Never below 1:
 * whether one fits is the load's own check.
 */
export async function fitParallel(
	max: number,
	availableBytes: number,
	needFor: (sequences: number) => Promise<number>,
): Promise<number> {
	for (let sequences = max; sequences > 1; sequences--) if ((await needFor(sequences)) <= availableBytes) return sequences;
	return 1;
}
