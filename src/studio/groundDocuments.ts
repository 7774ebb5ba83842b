import { join } from "node:path";
import type { DocumentSource } from "../api/native/NativeChat.js";
import { EmbeddingCache } from "../chats/EmbeddingCache.js";
import { withStore } from "../chats/withStore.js";
import { CHUNK_CHARS, chunkDocument, type DocumentChunk } from "../documents/chunkDocument.js";
import { DocumentError } from "../documents/DocumentError.js";
import { documentBlock } from "../documents/documentBlock.js";
import { passagesBlock } from "../documents/passagesBlock.js";
import type { AttachedDocument } from "../documents/readDocument.js";
import type { ChatMessage } from "../engine/Engine.js";
import type { Scheduler } from "../engine/Scheduler.js";

/** A chat message and the documents attached to it, which go before its text. */
export interface MessageWithDocuments {
	message: ChatMessage;
	documents: AttachedDocument[];
}

export interface GroundingOptions {
	/** Embedding model for documents too long for the context; absent: such documents are refused. */
	embeddingModel?: string;
	/** Tokens kept free for the answer; default a quarter of the context, at most 1024. */
	answerTokens?: number;
	/** HEARTH_HOME, whose hearth.db keeps the embeddings. */
	home: string;
	signal?: AbortSignal;
}

export interface Grounded {
	messages: ChatMessage[];
	/** The passages put in the prompt, when the documents were too long to go in whole. */
	sources: DocumentSource[];
}

/** How passages are cut; part of the embeddings' key, so a change of cut never reuses old vectors. */
const CHUNKING = `chars-${CHUNK_CHARS}-v1`;
/** At most this many passages: beyond them a small model loses the thread. */
const MAX_PASSAGES = 8;

/**
 * Puts a chat's attached documents into its prompt. Documents that fit the model's context beside
 * the conversation and the answer go in whole (documentBlock). Otherwise each is cut into passages
 * (chunkDocument), embedded with the embedding model (kept in hearth.db by file hash and model, so
 * a document is embedded once), and the passages nearest to the last user message go in, as many
 * as fit and at most 8, with their sources for the answer to show.
 */
export async function groundDocuments(
	scheduler: Scheduler,
	chatModel: string,
	messages: MessageWithDocuments[],
	options: GroundingOptions,
): Promise<Grounded> {
	const attached = messages.flatMap((m) => m.documents);
	const whole = (): ChatMessage[] =>
		messages.map(({ message, documents }) =>
			documents.length === 0
				? message
				: withBlocks(
						message,
						documents.map((d) => documentBlock(d.document)),
					),
		);
	if (attached.length === 0) return { messages: messages.map((m) => m.message), sources: [] };

	// Measured as the model will read it: the chat template rendered and tokenized.
	const { budget, wholeTokens, context } = await scheduler.use(chatModel, { signal: options.signal }, async (model) => {
		const tokens = async (list: ChatMessage[]) => (await scheduler.engine.renderChat(model.id, list)).tokens.length;
		const answer = options.answerTokens ?? Math.min(1024, Math.floor(model.contextLength / 4));
		const room = model.contextLength - answer;
		return { budget: room - (await tokens(messages.map((m) => m.message))), wholeTokens: await tokens(whole()), context: room };
	});
	if (wholeTokens <= context) return { messages: whole(), sources: [] };
	const documentTokens = wholeTokens - (context - budget);

	const names = attached.map((a) => a.document.name).join(", ");
	if (!options.embeddingModel)
		throw new DocumentError(
			"document_too_long",
			`${names}: ${documentTokens} tokens, and the context has room for ${Math.max(0, budget)} beside the conversation and the answer. ` +
				"Choose an embedding model (embeddingModel, or HEARTH_EMBEDDING_MODEL) to answer from the most relevant passages, or load the model with a longer context",
		);
	if (budget <= 0)
		throw new DocumentError(
			"document_too_long",
			`${names}: the conversation leaves no room in the context for any passage; start a new chat or load the model with a longer context`,
		);

	const chunks = attached.map((a) => chunkDocument(a.document));
	const question = [...messages].reverse().find((m) => m.message.role === "user")?.message.content ?? "";
	const ranked = await scheduler.use(options.embeddingModel, { signal: options.signal }, async (embedder) => {
		const vectors = await Promise.all(
			attached.map(async (a, d) => {
				const key = [a.hash, embedder.path, CHUNKING] as const;
				const kept = withStore(new EmbeddingCache(join(options.home, "hearth.db")), (cache) => cache.get(...key));
				if (kept && kept.length === chunks[d]?.length) return kept;
				const made = await scheduler.engine.embed(
					embedder.id,
					(chunks[d] ?? []).map((c) => c.text),
				);
				withStore(new EmbeddingCache(join(options.home, "hearth.db")), (cache) => cache.put(...key, made));
				return made;
			}),
		);
		const [query] = await scheduler.engine.embed(embedder.id, [question || "summary"]);
		return chunks
			.flatMap((list, d) => list.map((chunk, c) => ({ d, chunk, score: cosine(query ?? [], vectors[d]?.[c] ?? []) })))
			.sort((a, b) => b.score - a.score);
	});

	const place = (picked: typeof ranked): ChatMessage[] => {
		const byDocument = new Map<number, DocumentChunk[]>();
		for (const { d, chunk } of picked) byDocument.set(d, [...(byDocument.get(d) ?? []), chunk]);
		let next = 0;
		return messages.map(({ message, documents }) => {
			const blocks = documents.flatMap((a) => {
				const d = next++;
				const passages = byDocument.get(d);
				return passages ? [passagesBlock(a.document, passages, chunks[d]?.length ?? 0)] : [];
			});
			return documents.length === 0 ? message : withBlocks(message, blocks);
		});
	};
	// The nearest passages that fit, each costed as a block of its own (an overestimate: the
	// document's wrapper counts once per passage), then the prompt rendered to check; the least
	// similar passage goes while it does not fit.
	const { chosen, grounded } = await scheduler.use(chatModel, { signal: options.signal }, async (model) => {
		const picked: typeof ranked = [];
		let used = 0;
		for (const candidate of ranked.slice(0, MAX_PASSAGES * 2)) {
			if (picked.length === MAX_PASSAGES) break;
			const document = attached[candidate.d]?.document;
			if (!document) continue;
			const block = passagesBlock(document, [candidate.chunk], chunks[candidate.d]?.length ?? 0);
			const tokens = await scheduler.engine.countTokens(model.id, block);
			if (used + tokens > budget) continue;
			used += tokens;
			picked.push(candidate);
		}
		for (;;) {
			const prompt = place(picked);
			if (picked.length === 0 || (await scheduler.engine.renderChat(model.id, prompt)).tokens.length <= context)
				return { chosen: picked, grounded: prompt };
			picked.pop();
		}
	});
	if (chosen.length === 0)
		throw new DocumentError(
			"document_too_long",
			`${names}: not one passage fits in the room the conversation leaves in the context; start a new chat or load the model with a longer context`,
		);

	const sources: DocumentSource[] = chosen.map(({ d, chunk, score }) => ({
		document: attached[d]?.document.name ?? "",
		passage: chunk.index + 1,
		passages: chunks[d]?.length ?? 0,
		...(chunk.page === undefined ? {} : { page: chunk.page }),
		start: chunk.start,
		end: chunk.end,
		score,
		text: chunk.text,
	}));
	return { messages: grounded, sources };
}

function withBlocks(message: ChatMessage, blocks: string[]): ChatMessage {
	return { ...message, content: [...blocks, message.content].filter(Boolean).join("\n\n") };
}

function cosine(a: number[], b: number[]): number {
	let dot = 0;
	let na = 0;
	let nb = 0;
	for (let i = 0; i < a.length && i < b.length; i++) {
		dot += (a[i] as number) * (b[i] as number);
		na += (a[i] as number) ** 2;
		nb += (b[i] as number) ** 2;
	}
	return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
