import {
	DraftSequenceTokenPredictor,
	InputLookupTokenPredictor,
	type Llama,
	type LlamaContext,
	type LlamaModel,
	type TokenPredictor,
} from "node-llama-cpp";
import { DraftModelMismatchError } from "../errors/DraftModelMismatchError.js";
import { AdaptiveDrafter } from "./AdaptiveDrafter.js";

/** How a model's sequences draft tokens ahead, as a load asks for it. */
export interface SpeculationOptions {
	/** Draft from the prompt's own tokens where the answer repeats them (summaries, edits, code); "auto": when the model runs on a GPU. */
	promptLookup: boolean | "auto";
	/** A smaller model with the same vocabulary that drafts for this one; it wins over prompt lookup. */
	draftModelPath?: string;
	/** How sure the draft model must be of a token to draft it. Default: node-llama-cpp's (0.6). */
	draftMinConfidence?: number;
}

/** Ids compared between the two vocabularies, spread over the smaller one. */
const SAMPLED_IDS = 512;

/**
 * The drafters of one loaded model's sequences: each sequence gets its own (a draft model's sequence
 * holds a copy of that conversation), behind an AdaptiveDrafter that stops drafting while drafts
 * are mostly refused. Loads and checks the draft model; a draft whose tokens differ from the
 * target's would only ever be refused, so it is refused at load.
 */
export class Speculation {
	private constructor(
		readonly options: SpeculationOptions & { promptLookup: boolean },
		private readonly draft?: { model: LlamaModel; context: LlamaContext },
	) {}

	static async load(
		llama: Llama,
		target: LlamaModel,
		options: SpeculationOptions,
		context: { contextSize: number; sequences: number; threads: number; flashAttention: boolean },
	): Promise<Speculation> {
		// On a GPU a batch of a few more tokens costs next to nothing; on the CPU it measured slower
		// (bench/speculationBench.ts: 0.96x with drafts refused, 0.79x on a text the model half repeats).
		const resolved = { ...options, promptLookup: options.promptLookup === "auto" ? target.gpuLayers > 0 : options.promptLookup };
		const draftPath = resolved.draftModelPath;
		if (!draftPath) return new Speculation(resolved);
		const model = await llama.loadModel({ modelPath: draftPath, useMmap: llama.gpu !== false });
		try {
			const mismatch = vocabularyMismatch(target, model);
			if (mismatch) throw new DraftModelMismatchError(draftPath, mismatch);
			return new Speculation(resolved, { model, context: await model.createContext(context) });
		} catch (error) {
			await model.dispose();
			throw error;
		}
	}

	/** What this model's sequences do: prompt lookup decided, for LoadedModel.speculation. */
	get info(): { promptLookup: boolean; draftModelPath?: string } {
		return { promptLookup: this.options.promptLookup, ...(this.draft ? { draftModelPath: this.options.draftModelPath } : {}) };
	}

	/** Whether sequences draft at all. */
	get drafts(): boolean {
		return this.draft !== undefined || this.options.promptLookup;
	}

	/** A new drafter for one sequence, or undefined when this model does not draft. */
	drafter(): TokenPredictor | undefined {
		if (this.draft)
			return new AdaptiveDrafter(
				new DraftSequenceTokenPredictor(this.draft.context.getSequence(), {
					// Waiting for more than one drafted token misaligns node-llama-cpp 3.21.1's draft with the
					// target (measured with a model drafting for itself: 0 of 20 drafts refused with 1, 12 of
					// 31 with 2, 45 of 63 with 4), so drafting goes one verified token at a time.
					minTokens: 1,
					maxTokens: 8,
					minConfidence: this.options.draftMinConfidence,
				}),
			);
		if (this.options.promptLookup) return new AdaptiveDrafter(new InputLookupTokenPredictor());
		return undefined;
	}

	async dispose(): Promise<void> {
		await this.draft?.context.dispose();
		await this.draft?.model.dispose();
	}
}

/** Why `draft`'s tokens are not `target`'s, or undefined when they are the same. */
function vocabularyMismatch(target: LlamaModel, draft: LlamaModel): string | undefined {
	if (target.vocabularyType !== draft.vocabularyType)
		return `its tokenizer is ${draft.vocabularyType}, the model's is ${target.vocabularyType}`;
	const sizes = [target, draft].map((m) => m.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0);
	const [targetSize = 0, draftSize = 0] = sizes;
	// llama.cpp's own speculative example allows a few extra (padding) tokens at the end.
	if (Math.abs(targetSize - draftSize) > 128) return `it has ${draftSize} tokens, the model ${targetSize}`;
	for (const special of ["bos", "eos"] as const)
		if (target.tokens[special] !== draft.tokens[special]) return `its ${special.toUpperCase()} token differs`;
	const shared = Math.min(targetSize, draftSize) || SAMPLED_IDS;
	for (let i = 0; i < SAMPLED_IDS; i++) {
		const id = Math.floor((i * shared) / SAMPLED_IDS) as Parameters<LlamaModel["detokenize"]>[0][number];
		const [a, b] = [target, draft].map((m) => m.detokenize([id], true));
		if (a !== b) return `token ${id} is ${JSON.stringify(b)} in it and ${JSON.stringify(a)} in the model`;
	}
	return undefined;
}
