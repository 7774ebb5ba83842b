import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { chatPage, STORED_ANSWERS } from "../fixtures/chatPage.js";
import { pdfWithText } from "../fixtures/documents/testDocuments.js";
import { CHROMIUM, hasChromium, launchChromium } from "../fixtures/launchChromium.js";
import { placeModel } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// The attachment journey on real models: a tiny chat model with a 512-token context and a tiny
// bag-of-words embedding model. A five-page PDF is longer than the context, so the answer comes
// from its passages, listed under it; the file stays with the conversation.
const CHAT = "local/short-chat/short-chat-F32.gguf";
const EMBEDDER = "local/bag-of-words/bag-of-words-F32.gguf";
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const LINES = [
	"my mother said the old house by the water was very small.",
	"the boy went home after work and read a long picture book.",
	"every day the men play a new sound game in the big land.",
	"father will build a little port where people live and work.",
	"two animal kind came down to the water to find light.",
	"the great line of people turn back to the old city.",
];
const PLANTED = "the capital of the island is taiwan near the china sea in east asia.";

if (!hasChromium) {
	describe("attachments in the web UI", () => {
		it.skip(`skipped: no Chromium at ${CHROMIUM}`, () => {});
	});
}

describe.skipIf(!hasChromium)("attachments in the web UI", () => {
	let server: RunningServer;
	let browser: Browser;
	let page: Page;
	let pdf: Buffer;
	const refused: string[] = [];

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		const env = { HEARTH_HOME: mkdtempSync(join(tmpdir(), "hearth-ui-files-")), HEARTH_OTHER_APPS: "off" };
		placeModel(env, CHAT, await testModel({ seed: 5, contextLength: 512 }));
		placeModel(env, EMBEDDER, await testModel({ embedder: true, dimensions: { embd: 256, heads: 8, kvHeads: 8 } }));
		const pages = Array.from({ length: 5 }, (_, p) =>
			Array.from({ length: 24 }, (_, l) => (p === 2 && l === 11 ? PLANTED : (LINES[(p * 7 + l) % LINES.length] as string))),
		);
		pdf = Buffer.from(await pdfWithText(pages));
		server = await startServer({
			port: 0,
			env: { ...env, HEARTH_THREADS: "1", HEARTH_LOG_LEVEL: "error", HEARTH_MAX_MODELS: "2" },
			print: () => {},
		});
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		page.on("console", (message) => {
			if (/Content.Security.Policy|Refused to/i.test(message.text())) refused.push(message.text());
		});
		await page.goto(server.url);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
	});

	it("attaches a PDF, answers from its passages with stats and sources, and keeps the file with the chat", async () => {
		const chat = chatPage(page);
		await page.getByLabel("Model", { exact: true }).selectOption(CHAT);
		await chat.setMaxTokens("8");
		await page.getByLabel("Embedding model").selectOption(EMBEDDER);

		// A file that cannot be read says why, and can be removed before sending.
		await page
			.getByLabel("Attach files")
			.setInputFiles({ name: "broken.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7 no") });
		const chips = page.getByRole("list", { name: "Attachments" }).getByRole("listitem");
		await expect.poll(() => chips.first().textContent(), { timeout: 10_000 }).toMatch(/broken\.pdf.*not a readable PDF/);
		await page.getByRole("button", { name: "Remove broken.pdf" }).click();
		await expect.poll(() => chips.count()).toBe(0);

		await page.getByLabel("Attach files").setInputFiles({ name: "atlas.pdf", mimeType: "application/pdf", buffer: pdf });
		await expect
			.poll(() => chips.first().textContent(), { timeout: 10_000 })
			.toMatch(/atlas\.pdf\s*[\d.]+ (KiB|B) · 5 pages · \d+ tokens/);
		await chat.ask("summarize: what is the capital of the island near the china sea?");

		const answer = page.locator(STORED_ANSWERS).last();
		await expect.poll(() => answer.locator(".stats").textContent()).toMatch(/tok\/s · TTFT \d+ ms/);
		await answer.getByText(/^Sources: \d+ passages? of atlas\.pdf/).click();
		const sources = answer.getByRole("list", { name: "Sources" }).getByRole("listitem");
		await expect
			.poll(() => sources.first().textContent())
			.toMatch(/^atlas\.pdf, passage \d+ of \d+, page 3 \(similarity [\d.-]+\)/);
		expect(await sources.first().locator("blockquote").textContent()).toContain("taiwan");
		await page.screenshot({ path: join(ARTIFACTS, "chat-attachment-sources.png"), fullPage: true });

		// Reopened after a reload: the file is on its message and the sources under the answer.
		await page.reload();
		await page
			.getByRole("button", { name: /^summarize: what is the capital/ })
			.first()
			.click();
		await expect
			.poll(() => page.getByRole("list", { name: "Attached files" }).textContent(), { timeout: 10_000 })
			.toMatch(/atlas\.pdf.*5 pages/);
		await expect
			.poll(() =>
				page
					.locator(STORED_ANSWERS)
					.last()
					.getByText(/^Sources: /)
					.count(),
			)
			.toBe(1);
		expect(refused).toEqual([]);
	});
});
