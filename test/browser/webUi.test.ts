import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { chatPage } from "../fixtures/chatPage.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { CHROMIUM, hasChromium, launchChromium } from "../fixtures/launchChromium.js";
import { PHI3_Q4, PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";

const ARTIFACTS = join(process.cwd(), "test-artifacts");
const KEY = `${PHI3_REPO}/${PHI3_Q4}`;

if (!hasChromium) {
	describe("web UI in a real browser", () => {
		it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`, () => {});
	});
}

describe.skipIf(!hasChromium)("web UI in a real browser", () => {
	let hub: FakeHub;
	let server: RunningServer;
	let browser: Browser;
	let page: Page;
	const dialogs: string[] = [];

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		hub = await startFakeHub();
		const home = mkdtempSync(join(tmpdir(), "hearth-ui-"));
		server = await startServer({
			port: 0,
			env: { HEARTH_HOME: home, HEARTH_OTHER_APPS: "off", HF_ENDPOINT: hub.url, HEARTH_THREADS: "1", HEARTH_LOG_LEVEL: "error" },
			print: () => {},
		});
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
		page.on("dialog", (dialog) => {
			dialogs.push(`${dialog.type()}: ${dialog.message()}`);
			void dialog.accept();
		});
		await page.goto(server.url);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await hub?.stop();
	});

	const tab = (name: string) => page.getByRole("button", { name, exact: true }).first().click();
	const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
	const setMaxTokens = (n: string) => chatPage(page).setMaxTokens(n);
	const ask = (text: string) => chatPage(page).ask(text);

	it("walks the reference journey: search, see fit, download with progress, chat twice, reload", async () => {
		await tab("Discover");
		await expect.poll(() => page.getByText(PHI3_REPO).count(), { timeout: 10_000 }).toBeGreaterThan(0); // the suggestion
		// …and the embedding model suggested for long documents.
		expect(await page.getByRole("button", { name: "nomic-ai/nomic-embed-text-v1.5-GGUF" }).count()).toBe(1);
		await page.getByLabel("Search Hugging Face").fill("phi-3");
		await page.getByRole("button", { name: "Search" }).click();
		await page.getByRole("button", { name: PHI3_REPO }).click();
		const row = page.locator(`tr[data-file="${PHI3_Q4}"]`);
		await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/KiB.*Q4.*Fits without GPU/);
		expect(await row.textContent()).toContain("Recommended");
		const card = page.getByLabel("Model card");
		expect(await card.textContent()).toMatch(/license mit.*lightweight, state-of-the-art open model trained/);
		expect(await card.locator("img, script").count()).toBe(0);
		await shot("1-discover-repo");

		hub.faults.set(PHI3_Q4, { bytesPerSecond: 60_000 });
		await row.getByRole("button", { name: "Download" }).click();
		const job = page.locator("li.job").first();
		await expect.poll(() => job.getAttribute("data-state")).toBe("downloading");
		await expect
			.poll(async () => Number(await job.locator("progress").getAttribute("value")), { timeout: 10_000 })
			.toBeGreaterThan(0);
		await shot("2-downloads-progress");
		await expect.poll(() => job.getAttribute("data-state"), { timeout: 30_000 }).toBe("done");
		hub.faults.clear();

		await tab("Chat");
		await expect.poll(() => page.getByLabel("Model", { exact: true }).inputValue(), { timeout: 10_000 }).toBe(KEY);
		await page.getByRole("button", { name: "Load", exact: true }).click();
		const progress = page.getByRole("status", { name: "Model load progress" });
		await expect.poll(() => progress.count()).toBe(1);
		expect(Number(await progress.locator("progress").getAttribute("max"))).toBe(100);
		await shot("3a-chat-loading-model");
		await expect.poll(() => page.locator(".toolbar .badge.loaded").count(), { timeout: 30_000 }).toBe(1);
		expect(await progress.count()).toBe(0);
		await setMaxTokens("24");
		await ask("where is taiwan");
		const first = page.locator('li.message[data-role="assistant"]').first();
		expect(await first.locator(".stats").textContent()).toMatch(/[\d.]+ tok\/s · TTFT \d+ ms · 24 tokens · stop: max tokens/);
		await ask("Summarize this paragraph:\nTaiwan is an island in East Asia. Its capital is Taipei.");
		expect(await page.locator("li.message").count()).toBe(4);
		// The second turn runs on the sequence that holds the first: its history is not evaluated again.
		expect(await page.locator('li.message[data-role="assistant"] .stats').last().textContent()).toMatch(
			/· \d+ of \d+ prompt tokens cached( · \d+ of \d+ drafted tokens accepted)?$/,
		);
		await shot("3-chat-two-turns");

		await page.reload();
		await page.getByRole("button", { name: "where is taiwan", exact: true }).click();
		await expect.poll(() => page.locator("li.message").count()).toBe(4);
		expect(await page.locator('li.message[data-role="user"]').allTextContents()).toEqual([
			expect.stringContaining("where is taiwan"),
			expect.stringContaining("Summarize this paragraph"),
		]);
		await shot("4-chat-after-reload");
	});

	it("stops mid-answer, regenerates, edits and resends", async () => {
		await setMaxTokens("");
		await page.getByLabel("Message", { exact: true }).fill("tell me everything");
		await page.getByLabel("Message", { exact: true }).press("Enter");
		await expect.poll(() => page.locator("li.streaming").textContent(), { timeout: 10_000 }).not.toBe("");
		await page.getByLabel("Message", { exact: true }).press("Escape");
		await expect.poll(() => page.locator("li.streaming").count(), { timeout: 2_000 }).toBe(0);
		expect(await page.locator('li.message[data-role="assistant"] .stats').last().textContent()).toContain("stop: user stopped");

		await setMaxTokens("8");
		const count = await page.locator("li.message").count();
		await page.getByRole("button", { name: "Regenerate" }).click();
		await expect
			.poll(() => page.locator('li.message[data-role="assistant"] .stats').last().textContent(), { timeout: 20_000 })
			.toContain("8 tokens");
		expect(await page.locator("li.message").count()).toBe(count);

		await page.locator('li.message[data-role="user"]').first().getByRole("button", { name: "Edit" }).click();
		await page.getByLabel("Edit message").fill("where is japan");
		await page.getByRole("button", { name: "Send", exact: true }).first().click();
		await expect.poll(() => page.locator("li.message").count(), { timeout: 20_000 }).toBe(2);
		expect(await page.locator('li.message[data-role="user"]').first().textContent()).toContain("where is japan");
		await shot("5-chat-edited");
	});

	it("renders hostile model output inert", async () => {
		const api = new HearthClient(server.url);
		const payloads = [
			"<script>window.__xss = 1</script>",
			'<img src="x" onerror="window.__xss = 2">',
			"[click me](javascript:window.__xss=3)",
			'<iframe src="javascript:window.__xss=4"></iframe>',
			'<svg onload="window.__xss = 5"><circle r="5"/></svg>',
			'<a href="javascript:window.__xss=6">x</a><details open ontoggle="window.__xss=7"></details>',
			"```js\nconsole.log('code')\n```",
		];
		const chat = await api.importChat({
			format: "hearth-conversation",
			version: 1,
			conversation: { title: "hostile", createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() },
			messages: [
				{ role: "user", content: "<b>bold?</b>", createdAt: new Date().toISOString() },
				{ role: "assistant", content: payloads.join("\n\n"), createdAt: new Date().toISOString() },
			],
		});
		await page.reload();
		await page.getByRole("button", { name: "hostile", exact: true }).click();
		const markdown = page.locator("li.message .markdown").last();
		await expect.poll(() => markdown.locator("pre code").count()).toBe(1);
		await markdown
			.locator("a")
			.first()
			.click({ trial: false })
			.catch(() => {});
		await page.waitForTimeout(300);
		expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
		expect(await markdown.locator("script, iframe, svg, img[onerror]").count()).toBe(0);
		const attributes = await markdown.evaluate((root) =>
			[...root.querySelectorAll("*")].flatMap((e) => [...e.attributes].map((a) => `${a.name}=${a.value}`)),
		);
		expect(attributes.filter((a) => /^on/i.test(a) || /javascript:/i.test(a))).toEqual([]);
		expect(await page.locator('li.message[data-role="user"]').last().textContent()).toContain("<b>bold?</b>");
		expect(dialogs.filter((d) => d.startsWith("alert"))).toEqual([]);
		await shot("6-xss-inert");
		await api.deleteChat(chat.id);
	});

	it("deletes a conversation, and shows My Models and Server", async () => {
		await page.reload();
		await expect.poll(() => page.locator('ul[aria-label="Conversations"] li').count()).toBeGreaterThan(0);
		const before = await page.locator('ul[aria-label="Conversations"] li').count();
		await page
			.getByRole("button", { name: /^Delete / })
			.first()
			.click();
		await expect.poll(() => page.locator('ul[aria-label="Conversations"] li').count()).toBe(before - 1);
		await tab("My Models");
		await expect
			.poll(() => page.locator(`tr[data-model="${KEY}"]`).textContent())
			.toMatch(/hearth.*phi3.*Q4_0.*Fits without GPU/);
		await shot("7-my-models");
		await tab("Server");
		await expect.poll(() => page.getByText("Running").count()).toBeGreaterThan(0);
		expect(await page.locator(".endpoint pre").first().textContent()).toContain(`${server.url}/v1/chat/completions`);
		await shot("8-server");
	});

	it("saves server settings from the Server view, for the next start", async () => {
		const form = page.getByRole("form", { name: "Server settings" });
		await expect.poll(() => form.count()).toBe(1);
		// This server was started with a port: the field says so and cannot be changed here.
		expect(await form.getByLabel(/^Port/).isDisabled()).toBe(true);
		expect(await form.textContent()).toContain("set by --port");
		await form.getByLabel(/^CORS origins/).fill("http://localhost:5173");
		await form.getByLabel("Require an API key").check();
		await form.getByLabel(/^Key/).fill("browser-key-123");
		await form.getByRole("button", { name: "Save" }).click();
		await expect.poll(() => form.getByRole("status").textContent()).toMatch(/Saved in .*config\.json\. Restart Hearth to apply/);
		const saved = await new HearthClient(server.url).settings();
		expect(saved).toMatchObject({
			restartRequired: true,
			next: { apiKeySet: true, corsOrigins: ["http://localhost:5173"] },
			active: { apiKeySet: false, corsOrigins: [] },
		});
		// The browser keeps the key it set, to use once the server asks for it.
		expect(await page.evaluate('localStorage.getItem("hearth.apiKey")')).toBe("browser-key-123");
		await shot("9-server-settings");
	});

	it("asks for the API key when the server requires one, and works once it has it", async () => {
		const locked = await startServer({
			port: 0,
			apiKey: "the-right-key",
			env: { HEARTH_HOME: mkdtempSync(join(tmpdir(), "hearth-ui-key-")), HEARTH_OTHER_APPS: "off", HEARTH_LOG_LEVEL: "error" },
			print: () => {},
		});
		const other = await browser.newPage();
		try {
			await other.goto(locked.url);
			const prompt = other.getByRole("heading", { name: "This Hearth server requires an API key" });
			await expect.poll(() => prompt.count()).toBe(1);
			await other.getByLabel("API key").fill("a-wrong-key");
			await other.getByRole("button", { name: "Continue" }).click();
			await expect.poll(() => other.getByText("That key was not accepted.").count()).toBe(1);
			await other.getByLabel("API key").fill("the-right-key");
			await other.getByRole("button", { name: "Continue" }).click();
			await expect.poll(() => other.getByRole("button", { name: "New chat" }).count()).toBe(1);
			expect(await prompt.count()).toBe(0);
		} finally {
			await other.close();
			await locked.close();
		}
	});
});
