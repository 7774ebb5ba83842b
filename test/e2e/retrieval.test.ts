import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import Database from "better-sqlite3";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DocumentSource, NativeChatEvent } from "../../src/api/native/NativeChat.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { pdfWithText } from "../fixtures/documents/testDocuments.js";
import { placeModel } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// Retrieval on real models: a tiny chat model with a 512-token context, and a tiny embedding model
// that averages its tokens' embeddings (a bag of words: random weights, but texts that share words
// are nearer). A long document with one planted sentence: the passage that holds it must be the
// nearest to a question using its words, whatever the answer's (random) text says.
const CHAT = "local/short-chat/short-chat-F32.gguf";
const EMBEDDER = "local/bag-of-words/bag-of-words-F32.gguf";
const FILLER = [
	"my mother said the old house by the water was very small",
	"the boy went home after work and read a long picture book",
	"every day the men play a new sound game in the big land",
	"father will build a little port where people live and work",
	"two animal kind came down to the water to find light",
	"the great line of people turn back to the old city",
];
const PLANTED = "the capital of the island is taiwan near the china sea in east asia";
const QUESTION = "what is the capital of the island near the china sea?";

let server: RunningServer;
let home: string;

function longText(paragraphs: number, plantAt: number): string {
	const out: string[] = [];
	for (let p = 0; p < paragraphs; p++) {
		const sentences = Array.from({ length: 6 }, (_, s) => FILLER[(p * 5 + s) % FILLER.length]);
		if (p === plantAt) sentences.splice(3, 0, PLANTED);
		out.push(`${sentences.join(". ")}.`);
	}
	return out.join("\n\n");
}

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), "hearth-rag-"));
	const env = { HEARTH_HOME: home, HEARTH_OTHER_APPS: "off", HEARTH_LOG_LEVEL: "error" };
	placeModel(env, CHAT, await testModel({ seed: 5, contextLength: 512 }));
	placeModel(env, EMBEDDER, await testModel({ embedder: true, dimensions: { embd: 256, heads: 8, kvHeads: 8 } }));
	server = await startServer({ port: 0, env: { ...env, HEARTH_MAX_MODELS: "2" }, print: () => {} });
});
afterAll(() => server?.close());

async function chat(body: Record<string, unknown>): Promise<{ status: number; events: NativeChatEvent[]; json?: unknown }> {
	const response = await fetch(`${server.url}/hearth/chat`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model: CHAT, maxTokens: 8, temperature: 0, ...body }),
	});
	if (!response.ok) return { status: response.status, events: [], json: await response.json() };
	const events = (await response.text())
		.split("\n")
		.filter((line) => line.startsWith("data: "))
		.map((line) => NativeChatEvent.parse(JSON.parse(line.slice(6))));
	return { status: response.status, events };
}

const attach = (name: string, data: Uint8Array | string, mime = "text/plain") => ({
	name,
	mime,
	data: Buffer.from(data).toString("base64"),
});
const sourcesOf = (events: NativeChatEvent[]): DocumentSource[] => {
	const done = events.find((e) => e.type === "done");
	if (done?.type !== "done") throw new Error(`no done event: ${JSON.stringify(events.at(-1))}`);
	return done.sources ?? [];
};

describe("a document longer than the context", () => {
	const text = longText(30, 17);

	it("is refused in one clear 400 when no embedding model is chosen", async () => {
		const { status, json } = await chat({
			messages: [{ role: "user", content: QUESTION, attachments: [attach("atlas.txt", text)] }],
		});
		expect(status).toBe(400);
		expect(json).toMatchObject({
			error: { code: "document_too_long", message: expect.stringMatching(/^atlas\.txt: \d+ tokens.*embedding model/) },
		});
	});

	it("answers from the passages nearest to the question, the planted one first, and names them", async () => {
		const { status, events } = await chat({
			embeddingModel: EMBEDDER,
			messages: [{ role: "user", content: QUESTION, attachments: [attach("atlas.txt", text)] }],
		});
		expect(status).toBe(200);
		const sources = sourcesOf(events);
		expect(sources.length).toBeGreaterThan(0);
		expect(sources.length).toBeLessThanOrEqual(8);
		expect(sources[0]?.text).toContain(PLANTED);
		for (const s of sources) {
			expect(s.document).toBe("atlas.txt");
			expect(text.slice(s.start, s.end).trim()).toBe(s.text);
			expect(s.passage).toBeLessThanOrEqual(s.passages);
		}
		// Sorted by similarity, and the planted passage is the only one that holds its words.
		for (let i = 1; i < sources.length; i++) expect(sources[i]?.score).toBeLessThanOrEqual(sources[0]?.score ?? 0);
		expect(sources.filter((s) => s.text.includes("taiwan"))).toHaveLength(1);
	});

	it("embeds a document once: the second question reads the vectors kept by the file's hash", async () => {
		const db = new Database(join(home, "hearth.db"));
		const rows = () => db.prepare("SELECT dimensions, length(vectors) AS bytes FROM document_embeddings").all();
		expect(rows()).toHaveLength(1);
		// Swap the planted passage's vector with the first passage's: if the kept vectors are read,
		// the first passage now looks nearest.
		const { dimensions, vectors } = db.prepare("SELECT dimensions, vectors FROM document_embeddings").get() as {
			dimensions: number;
			vectors: Buffer;
		};
		const first = await chat({
			embeddingModel: EMBEDDER,
			messages: [{ role: "user", content: QUESTION, attachments: [attach("atlas.txt", text)] }],
		});
		const planted = (sourcesOf(first.events)[0]?.passage ?? 0) - 1;
		const floats = new Float32Array(vectors.buffer.slice(vectors.byteOffset, vectors.byteOffset + vectors.byteLength));
		const a = floats.slice(0, dimensions);
		floats.copyWithin(0, planted * dimensions, (planted + 1) * dimensions);
		floats.set(a, planted * dimensions);
		db.prepare("UPDATE document_embeddings SET vectors = ?").run(Buffer.from(floats.buffer));
		const second = await chat({
			embeddingModel: EMBEDDER,
			messages: [{ role: "user", content: QUESTION, attachments: [attach("renamed.txt", text)] }],
		});
		expect(sourcesOf(second.events)[0]?.passage).toBe(1);
		expect(rows()).toHaveLength(1);
		db.close();
	});

	it("names the page of a PDF's passages", async () => {
		// A sentence per line: pdf-lib draws each line as one run, and text past the page's edge is lost.
		const page = (n: number) => longText(4, n === 3 ? 2 : -1).split(/(?<=\.) |\n\n/);
		const pdf = await pdfWithText([page(1), page(2), page(3), page(4), page(5)]);
		const { events } = await chat({
			embeddingModel: EMBEDDER,
			messages: [{ role: "user", content: QUESTION, attachments: [attach("atlas.pdf", pdf, "application/pdf")] }],
		});
		const [top] = sourcesOf(events);
		expect(top?.text).toContain("taiwan");
		expect(top?.page).toBe(3);
	});

	it("goes in whole, with no sources, when it fits", async () => {
		const { events } = await chat({
			embeddingModel: EMBEDDER,
			messages: [{ role: "user", content: QUESTION, attachments: [attach("note.txt", PLANTED)] }],
		});
		expect(sourcesOf(events)).toEqual([]);
	});
});

describe("a document longer than the context in the OpenAI and Anthropic dialects", () => {
	const text = longText(30, 17);
	const file = {
		type: "file" as const,
		file: { filename: "atlas.txt", file_data: `data:text/plain;base64,${Buffer.from(text).toString("base64")}` },
	};

	it("is refused as too long without an embedding model, and answered from its passages with HEARTH_EMBEDDING_MODEL", async () => {
		const plain = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "none", maxRetries: 0 });
		const ask = (client: OpenAI) =>
			client.chat.completions.create({
				model: CHAT,
				max_tokens: 8,
				temperature: 0,
				messages: [{ role: "user", content: [file, { type: "text", text: QUESTION }] }],
			});
		expect(await ask(plain).catch((e: unknown) => e)).toMatchObject({ status: 400 });

		const otherHome = mkdtempSync(join(tmpdir(), "hearth-rag-env-"));
		const env = { HEARTH_HOME: otherHome, HEARTH_OTHER_APPS: "off", HEARTH_LOG_LEVEL: "error" };
		placeModel(env, CHAT, await testModel({ seed: 5, contextLength: 512 }));
		placeModel(env, EMBEDDER, await testModel({ embedder: true, dimensions: { embd: 256, heads: 8, kvHeads: 8 } }));
		const withEmbedder = await startServer({
			port: 0,
			env: { ...env, HEARTH_MAX_MODELS: "2", HEARTH_EMBEDDING_MODEL: EMBEDDER },
			print: () => {},
		});
		try {
			const openai = new OpenAI({ baseURL: `${withEmbedder.url}/v1`, apiKey: "none", maxRetries: 0 });
			const answer = await ask(openai);
			expect(answer.usage?.prompt_tokens).toBeLessThanOrEqual(512 - 8);
			expect(answer.choices[0]?.finish_reason).toBe("length");
			const anthropic = new Anthropic({ baseURL: withEmbedder.url, apiKey: "none", maxRetries: 0 });
			const message = await anthropic.messages.create({
				model: CHAT,
				max_tokens: 8,
				messages: [
					{
						role: "user",
						content: [
							{ type: "document", source: { type: "text", media_type: "text/plain", data: text }, title: "atlas.txt" },
							{ type: "text", text: QUESTION },
						],
					},
				],
			});
			expect(message.usage.input_tokens).toBeLessThanOrEqual(512 - 8);
			// One embedding of the file, whichever dialect sent it.
			const db = new Database(join(otherHome, "hearth.db"), { readonly: true });
			expect(db.prepare("SELECT COUNT(*) AS n FROM document_embeddings").get()).toEqual({ n: 1 });
			db.close();
		} finally {
			await withEmbedder.close();
		}
	});
});
