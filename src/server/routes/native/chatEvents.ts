import type { DocumentSource, GenerationStats, NativeChatEvent } from "../../../api/native/NativeChat.js";
import type { Engine, GenerationResult } from "../../../engine/Engine.js";
import type { Scheduled } from "../../../engine/Scheduler.js";
import type { QueuePlaces } from "./QueuePlaces.js";

/**
 * A scheduled chat as the native API's events: its places while it waits for a sequence, start
 * (model, context, load time), a thinking model's reasoning and the answer's fragments as they are
 * generated, done with stats. The first piece (or the failure) comes before the first event other
 * than `queued`, so a caller that awaits the first event sees an early error as an error.
 */
export async function* chatEvents(
	engine: Engine,
	scheduled: Scheduled,
	places: QueuePlaces,
	sources: DocumentSource[] = [],
): AsyncGenerator<NativeChatEvent> {
	const { model, generation, loadMs } = scheduled;
	const chunks = generation.chunks();
	const first = chunks.next();
	let next: Awaited<typeof first> | undefined;
	while (next === undefined) {
		const raced = await Promise.race([first.then((r) => ({ r })), places.next().then((position) => ({ position }))]);
		if ("r" in raced) next = raced.r;
		else yield { type: "queued", position: raced.position };
	}
	yield { type: "start", model: model.id, contextLength: model.contextLength, loadMs };
	for (; !next.done; next = await chunks.next()) {
		const chunk = next.value;
		if (chunk.type === "text") yield { type: "fragment", text: chunk.text };
		else if (chunk.type === "reasoning") yield { type: "reasoning", text: chunk.text };
		// Tool call pieces cannot come: a native chat offers the model no tools.
	}
	const result = await generation;
	const stats = await withReasoningTokens(engine, model.id, result);
	yield {
		type: "done",
		text: result.text,
		...(result.reasoning ? { reasoning: result.reasoning } : {}),
		stats,
		...(sources.length ? { sources } : {}),
	};
}

/**
 * The result's stats with the length of its reasoning in the model's tokens, for the UI's "Thought
 * for N tokens". The engine counts only all generated tokens together, so the reasoning's text is
 * tokenized again. Without the count when there is no reasoning, or when the model can no longer
 * count (a TTL of 0 unloads it as soon as the answer ends): the answer itself is complete.
 */
async function withReasoningTokens(engine: Engine, modelId: string, result: GenerationResult): Promise<GenerationStats> {
	if (!result.reasoning) return result.stats;
	try {
		return { ...result.stats, reasoningTokens: await engine.countTokens(modelId, result.reasoning) };
	} catch {
		return result.stats;
	}
}
