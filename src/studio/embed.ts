import type { LoadedModel } from "../engine/Engine.js";
import type { Scheduler, UseOptions } from "../engine/Scheduler.js";

export interface Embeddings {
	model: LoadedModel;
	vectors: number[][];
	/** Tokens of all inputs together, for each dialect's usage counts. */
	tokens: number;
}

/** Embeds each input with the model (loaded just in time), as OpenAI's, Ollama's and LM Studio's embeddings routes do. */
export function embed(scheduler: Scheduler, identifier: string, inputs: string[], options: UseOptions = {}): Promise<Embeddings> {
	return scheduler.use(identifier, options, async (model) => {
		const vectors = await scheduler.engine.embed(model.id, inputs);
		const counts = await Promise.all(inputs.map((input) => scheduler.engine.countTokens(model.id, input)));
		return { model, vectors, tokens: counts.reduce((a, b) => a + b, 0) };
	});
}
