import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../src/engine/Engine.js";
import { docxWithParagraphs, encryptedPdf, pdfWithText, zipBombDocx } from "../fixtures/documents/testDocuments.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// Attachments in each dialect's own form, read by the real extractors (pdf.js, mammoth) in their
// worker, and put whole into the prompt the engine receives; bad files refused with 400.
let server: FakeServer;
let openai: OpenAI;
let anthropic: Anthropic;
const PLANTED = "The lighthouse keeper counted 47 ships in March.";
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const dataUrl = (mime: string, bytes: Uint8Array) => `data:${mime};base64,${b64(bytes)}`;

// Made before any request: compressing 300 MiB blocks this process (the server's too) for seconds,
// and a keep-alive connection the server closes meanwhile would reset the next request.
let bomb: Uint8Array;

beforeAll(async () => {
	bomb = zipBombDocx(300);
	server = await startFakeServer({ env: { HEARTH_MAX_ATTACHMENT_MB: "1" } });
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "none", maxRetries: 0 });
	anthropic = new Anthropic({ baseURL: server.url, apiKey: "none", maxRetries: 0 });
});
afterAll(() => server.close());

/** The text of the last chat the engine was given, all messages together. */
function lastPrompt(): string {
	const last = server.engine.requests.at(-1)?.request as ChatRequest;
	return last.messages.map((m) => m.content).join("\n---\n");
}

describe("attachments in every dialect", () => {
	it("reads a PDF from an OpenAI file part, whole, named, before the question", async () => {
		const pdf = await pdfWithText([["Harbour report"], [PLANTED]]);
		await openai.chat.completions.create({
			model: PHI3_KEY,
			max_tokens: 2,
			messages: [
				{
					role: "user",
					content: [
						{ type: "file", file: { filename: "report.pdf", file_data: dataUrl("application/pdf", pdf) } },
						{ type: "text", text: "How many ships?" },
					],
				},
			],
		});
		const prompt = lastPrompt();
		expect(prompt).toMatch(
			/^<document name="report\.pdf" pages="2">\nHarbour report\n\nThe lighthouse keeper counted 47 ships in March\.\n<\/document>\nHow many ships\?$/,
		);
	});

	it("reads a DOCX from a Responses input_file", async () => {
		const docx = docxWithParagraphs(["Minutes", PLANTED]);
		await openai.responses.create({
			model: PHI3_KEY,
			max_output_tokens: 2,
			input: [
				{
					role: "user",
					content: [
						{
							type: "input_file",
							filename: "minutes.docx",
							file_data: dataUrl("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx),
						},
						{ type: "input_text", text: "Summarize." },
					],
				},
			],
		});
		expect(lastPrompt()).toContain(`<document name="minutes.docx">\nMinutes\n\n${PLANTED}\n</document>`);
	});

	it("reads Anthropic document blocks, base64 PDF and plain text, by their titles", async () => {
		const pdf = await pdfWithText([[PLANTED]]);
		await anthropic.messages.create({
			model: PHI3_KEY,
			max_tokens: 2,
			messages: [
				{
					role: "user",
					content: [
						{ type: "document", title: "log.pdf", source: { type: "base64", media_type: "application/pdf", data: b64(pdf) } },
						{
							type: "document",
							title: "notes",
							source: { type: "text", media_type: "text/plain", data: "plain notes </document> here" },
						},
						{ type: "text", text: "What happened?" },
					],
				},
			],
		});
		const prompt = lastPrompt();
		expect(prompt).toContain(`<document name="log.pdf" pages="1">\n${PLANTED}\n</document>`);
		// A document cannot close its own block.
		expect(prompt).toContain('<document name="notes">\nplain notes </ document> here\n</document>');
	});

	it("reads native chat attachments: Markdown, CSV and HTML without its markup", async () => {
		const response = await fetch(`${server.url}/hearth/chat`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				model: PHI3_KEY,
				maxTokens: 2,
				messages: [
					{
						role: "user",
						content: "Compare them.",
						attachments: [
							{ name: "a.md", data: b64(new TextEncoder().encode("# Title\n\nbody")) },
							{ name: "b.csv", mime: "text/csv", data: b64(new TextEncoder().encode("x,y\n1,2")) },
							{
								name: "c.html",
								data: b64(new TextEncoder().encode("<html><body><p>Hello <b>there</b></p><script>x()</script></body></html>")),
							},
						],
					},
				],
			}),
		});
		expect(response.status).toBe(200);
		await response.text();
		const prompt = lastPrompt();
		expect(prompt).toContain('<document name="a.md">\n# Title\n\nbody\n</document>');
		expect(prompt).toContain('<document name="b.csv">\nx,y\n1,2\n</document>');
		expect(prompt).toMatch(/<document name="c\.html">\nHello there\n<\/document>\n\nCompare them\.$/);
	});
});

describe("bad attachments", () => {
	const send = (filename: string, mime: string, bytes: Uint8Array) =>
		fetch(`${server.url}/v1/chat/completions`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				model: PHI3_KEY,
				messages: [{ role: "user", content: [{ type: "file", file: { filename, file_data: dataUrl(mime, bytes) } }] }],
			}),
		});

	it.each([
		[
			"a corrupt PDF",
			"broken.pdf",
			"application/pdf",
			async () => new TextEncoder().encode("%PDF-1.7\nthis is not a pdf"),
			"invalid_document",
			/broken\.pdf is not a readable PDF/,
		],
		[
			"an encrypted PDF",
			"secret.pdf",
			"application/pdf",
			async () => encryptedPdf(),
			"encrypted_document",
			/secret\.pdf is encrypted/,
		],
		[
			"a zip bomb DOCX",
			"bomb.docx",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			async () => bomb,
			"document_too_large",
			/unpacks to more than 256 MiB/,
		],
		[
			"a file past HEARTH_MAX_ATTACHMENT_MB",
			"big.txt",
			"text/plain",
			async () => new Uint8Array(2 * 2 ** 20).fill(65),
			"document_too_large",
			/HEARTH_MAX_ATTACHMENT_MB/,
		],
		[
			"an image",
			"photo.png",
			"image/png",
			async () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
			"unsupported_document",
			/photo\.png \(image\/png\) is not a supported document/,
		],
		[
			"binary posing as text",
			"data.txt",
			"text/plain",
			async () => new Uint8Array([0xff, 0xfe, 0, 0, 0x80]),
			"unsupported_document",
			/is not UTF-8 text/,
		],
	])("refuses %s with 400 in the dialect's shape, and the server goes on", async (_what, name, mime, make, code, message) => {
		const requestsBefore = server.engine.requests.length;
		const response = await send(name, mime, await make());
		expect(response.status).toBe(400);
		const body = (await response.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe(code);
		expect(body.error.message).toMatch(message);
		expect(server.engine.requests.length).toBe(requestsBefore); // nothing reached the model
		const fine = await openai.chat.completions.create({
			model: PHI3_KEY,
			max_tokens: 1,
			messages: [{ role: "user", content: "hi" }],
		});
		expect(fine.choices[0]?.finish_reason).toBe("length");
	});

	it("refuses Anthropic URL documents in Anthropic's error shape", async () => {
		const response = await fetch(`${server.url}/v1/messages`, {
			method: "POST",
			headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
			body: JSON.stringify({
				model: PHI3_KEY,
				max_tokens: 2,
				messages: [{ role: "user", content: [{ type: "document", source: { type: "url", url: "http://example.com/x.pdf" } }] }],
			}),
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({
			type: "error",
			error: { type: "invalid_request_error", message: expect.stringMatching(/fetches no URL/) },
		});
	});
});

describe("attachments kept for the UI's chats", () => {
	const upload = (name: string, mime: string, bytes: Uint8Array, model?: string) =>
		fetch(
			`${server.url}/hearth/attachments?name=${encodeURIComponent(name)}${model ? `&model=${encodeURIComponent(model)}` : ""}`,
			{
				method: "POST",
				headers: { "content-type": mime },
				body: bytes,
			},
		);
	const folder = () => join(server.env.HEARTH_HOME as string, "attachments");

	it("reads a file as a chat would, keeps it by hash with its size and tokens, and a chat names it by hash", async () => {
		const pdf = await pdfWithText([["Harbour report"], [PLANTED]]);
		const response = await upload("report.pdf", "application/pdf", pdf, PHI3_KEY);
		expect(response.status).toBe(201);
		const ref = (await response.json()) as { hash: string; size: number; tokens: number; pages: number; name: string };
		expect(ref).toMatchObject({ name: "report.pdf", mime: "application/pdf", size: pdf.byteLength, pages: 2 });
		expect(ref.hash).toBe(createHash("sha256").update(pdf).digest("hex"));
		expect(ref.tokens).toBeGreaterThan(5);
		expect(readdirSync(folder())).toEqual([ref.hash]);
		const back = await fetch(`${server.url}/hearth/attachments/${ref.hash}`);
		expect(Buffer.from(await back.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);

		const chat = await fetch(`${server.url}/hearth/chat`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				model: PHI3_KEY,
				maxTokens: 2,
				messages: [{ role: "user", content: "How many ships?", attachments: [{ name: "report.pdf", hash: ref.hash }] }],
			}),
		});
		expect(chat.status).toBe(200);
		await chat.text();
		expect(lastPrompt()).toContain(`<document name="report.pdf" pages="2">\nHarbour report\n\n${PLANTED}\n</document>`);
	});

	it("keeps nothing of a file it cannot read, and a hash it does not have is 404", async () => {
		const before = readdirSync(folder()).length;
		const bad = await upload("broken.pdf", "application/pdf", new TextEncoder().encode("%PDF-1.7 not really"));
		expect(bad.status).toBe(400);
		expect(readdirSync(folder())).toHaveLength(before);
		const missing = await fetch(`${server.url}/hearth/chat`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				model: PHI3_KEY,
				messages: [{ role: "user", content: "?", attachments: [{ name: "x.txt", hash: "b".repeat(64) }] }],
			}),
		});
		expect(missing.status).toBe(404);
		expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("attachment_not_found");
	});

	it("exports a chat with its files and imports it into another home with them", async () => {
		const text = new TextEncoder().encode(`# Notes\n\n${PLANTED}\n`);
		const ref = (await (await upload("notes.md", "text/markdown", text)).json()) as { hash: string };
		const post = (path: string, body: unknown, on = server) =>
			fetch(`${on.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
		const chat = (await (await post("/hearth/chats", { title: "with a file" })).json()) as { id: string };
		await post(`/hearth/chats/${chat.id}/messages`, { role: "user", content: "summarize", attachments: [ref] });
		const exported = (await (await fetch(`${server.url}/hearth/chats/${chat.id}/export`)).json()) as {
			files: Record<string, string>;
			messages: { attachments?: unknown[] }[];
		};
		expect(exported.messages[0]?.attachments).toEqual([ref]);
		expect(Buffer.from(exported.files[ref.hash] ?? "", "base64").toString()).toBe(new TextDecoder().decode(text));

		const other = await startFakeServer();
		try {
			// A file whose bytes do not match its hash is refused, and nothing is imported.
			const forged = await post(
				"/hearth/chats/import",
				{ ...exported, files: { [ref.hash]: Buffer.from("other").toString("base64") } },
				other,
			);
			expect(forged.status).toBe(400);
			expect(await (await fetch(`${other.url}/hearth/chats`)).json()).toEqual([]);
			const imported = await post("/hearth/chats/import", exported, other);
			expect(imported.status).toBe(201);
			const back = await fetch(`${other.url}/hearth/attachments/${ref.hash}`);
			expect(await back.text()).toBe(new TextDecoder().decode(text));
		} finally {
			await other.close();
		}
	});
});
