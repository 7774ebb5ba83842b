import type { LlamaModel, Token } from "node-llama-cpp";
import type { FlashAttentionChoice } from "../Engine.js";

/** Milliseconds per generated token at two depths, for one flash-attention setting. */
export interface DecodeTimes {
	shallowMs: number;
	deepMs: number;
}

/** What a probe measured, and the setting it chose. */
export interface FlashAttentionProbe {
	/** The two context depths (tokens already in the context) generation was timed at. */
	depths: [number, number];
	on: DecodeTimes;
	off: DecodeTimes;
	/** The depth the choice is made for: a chat's usual depth, where the kernels differ most. */
	decidedAtDepth: number;
	/** Predicted generation speed at `decidedAtDepth`, tokens per second. */
	onTokensPerSecond: number;
	offTokensPerSecond: number;
	flashAttention: boolean;
	/** Wall time of the whole probe (both contexts). */
	probeMs: number;
}

export interface ProbeOptions {
	threads: number;
	/** The depth a choice is made for (default 1024, capped at half the context). */
	decideAtDepth?: number;
	signal?: AbortSignal;
}

/** Generated tokens timed at each depth, after one untimed token. */
const TIMED_TOKENS = 4;
const DEPTHS: [number, number] = [32, 224];
/** Within this, the two are a tie and flash attention stays on: it also needs less memory. */
const TIE = 0.05;

/**
 * Times generation with flash attention on, then off, each on a short-lived one-sequence context,
 * at two depths, and predicts each at a chat's usual depth from the line through the two (a token's
 * cost grows with the context it attends to). Measured here (AVX-512 CPU, Phi-3-mini Q4_0) llama.cpp's
 * CPU flash-attention kernel is faster on an empty context and 2–4× slower at depth 512–2048, while
 * its "auto" picks it; on AVX2 kernels and on GPUs the balance differs, so it is measured, not assumed.
 * Prompt speed is the same either way, so only generation decides. Cost: evaluating ~230 prompt
 * tokens twice (about 15 s for a 4-bit 3.8B model on two laptop cores, milliseconds on a GPU).
 */
export async function probeFlashAttention(model: LlamaModel, options: ProbeOptions): Promise<FlashAttentionProbe> {
	const started = performance.now();
	const room = model.trainContextSize;
	const depths: [number, number] = [Math.min(DEPTHS[0], room >> 3), Math.min(DEPTHS[1], room >> 1)];
	const decidedAtDepth = Math.max(depths[1], Math.min(options.decideAtDepth ?? 1024, room >> 1));
	const on = await decodeTimes(model, true, depths, options);
	const off = await decodeTimes(model, false, depths, options);
	const predict = (t: DecodeTimes) => {
		const slope = Math.max(0, (t.deepMs - t.shallowMs) / (depths[1] - depths[0]));
		return 1000 / (t.deepMs + slope * (decidedAtDepth - depths[1]));
	};
	const onTokensPerSecond = predict(on);
	const offTokensPerSecond = predict(off);
	return {
		depths,
		on,
		off,
		decidedAtDepth,
		onTokensPerSecond,
		offTokensPerSecond,
		flashAttention: onTokensPerSecond >= offTokensPerSecond * (1 - TIE),
		probeMs: performance.now() - started,
	};
}

/** What a loaded model reports of the probe that chose its setting. */
export function summary(probe: FlashAttentionProbe): NonNullable<FlashAttentionChoice["probe"]> {
	const { decidedAtDepth, onTokensPerSecond, offTokensPerSecond, probeMs } = probe;
	return { decidedAtDepth, onTokensPerSecond, offTokensPerSecond, probeMs };
}

async function decodeTimes(
	model: LlamaModel,
	flashAttention: boolean,
	[shallow, deep]: [number, number],
	options: ProbeOptions,
): Promise<DecodeTimes> {
	const context = await model.createContext({
		contextSize: deep + 2 * (TIMED_TOKENS + 1) + 16,
		sequences: 1,
		threads: options.threads,
		flashAttention,
		batchSize: deep,
	});
	try {
		const sequence = context.getSequence();
		const text = promptTokens(model, deep);
		const shallowMs = await timeGeneration(sequence, text.slice(0, shallow), options.signal);
		const deepMs = await timeGeneration(sequence, text.slice(sequence.nextTokenIndex), options.signal);
		return { shallowMs, deepMs };
	} finally {
		await context.dispose();
	}
}

type Sequence = ReturnType<Awaited<ReturnType<LlamaModel["createContext"]>>["getSequence"]>;

/** Evaluates `prompt` after what the sequence holds, then times TIMED_TOKENS greedy tokens. */
async function timeGeneration(sequence: Sequence, prompt: Token[], signal?: AbortSignal): Promise<number> {
	let from = 0;
	let generated = -1; // the first token comes with the prompt's evaluation: not timed
	for await (const _ of sequence.evaluate(prompt, { temperature: 0 })) {
		signal?.throwIfAborted();
		if (++generated === 0) from = performance.now();
		if (generated === TIMED_TOKENS) break;
	}
	return (performance.now() - from) / TIMED_TOKENS;
}

/** `count` tokens of plain text, a sentence repeated, the model's beginning token first: what it says does not change the kernels' speed. */
function promptTokens(model: LlamaModel, count: number): Token[] {
	const sentence = model.tokenize(" The quick brown fox jumps over the lazy dog while the river runs to the sea.");
	const tokens: Token[] = [];
	const bos = model.tokens.bos;
	if (bos !== null) tokens.push(bos);
	while (tokens.length < count) tokens.push(...sentence);
	return tokens.slice(0, count);
}
