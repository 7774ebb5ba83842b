import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { chatPage, STORED_ANSWERS } from "../fixtures/chatPage.js";
import { CHROMIUM, hasChromium, launchChromium } from "../fixtures/launchChromium.js";
import { placeModel } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// A real thinking model (generated: every answer begins `<think> think about the question</think>`)
// in the web UI: its reasoning is shown above the answer, collapsed, and comes back with the chat.
const THINKER_KEY = "local/thinker/thinker-F32.gguf";
const THOUGHT = "think about the question";

if (!hasChromium) {
	describe("a thinking model in the web UI", () => {
		it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`, () => {});
	});
}

describe.skipIf(!hasChromium)("a thinking model in the web UI", () => {
	let server: RunningServer;
	let browser: Browser;
	let page: Page;
	const cspViolations: string[] = [];

	beforeAll(async () => {
		const env = { HEARTH_HOME: mkdtempSync(join(tmpdir(), "hearth-ui-thinking-")), HEARTH_OTHER_APPS: "off" };
		placeModel(env, THINKER_KEY, await testModel({ type: "F32", thinking: "thinks" }));
		server = await startServer({ port: 0, env: { ...env, HEARTH_THREADS: "1", HEARTH_LOG_LEVEL: "error" }, print: () => {} });
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
		// The reasoning's <details> must open without inline script or style, which the CSP would refuse.
		page.on("console", (message) => {
			if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
		});
		await page.goto(server.url);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
	});

	it("shows the reasoning collapsed above the answer, opens it, and shows it again when the chat is reopened", async () => {
		const chat = chatPage(page);
		await expect.poll(() => page.getByLabel("Model", { exact: true }).inputValue(), { timeout: 10_000 }).toBe(THINKER_KEY);
		await chat.setMaxTokens("16");
		await chat.ask("where is taiwan");

		const answer = page.locator(STORED_ANSWERS).last();
		const reasoning = answer.locator("details.reasoning");
		expect(await reasoning.count()).toBe(1);
		expect(await reasoning.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
		expect(await reasoning.locator("summary").textContent()).toMatch(/^Thought for \d+ tokens$/);
		expect(await reasoning.locator(".markdown").isVisible()).toBe(false);
		// The answer's own text, below the reasoning, holds none of it and no thinking tags.
		const text = (await answer.locator(":scope > .markdown").textContent()) ?? "";
		expect(text.length).toBeGreaterThan(0);
		for (const leaked of [THOUGHT, "about the question", "<think>", "</think>"]) expect(text).not.toContain(leaked);

		await reasoning.locator("summary").click();
		await expect.poll(() => reasoning.locator(".markdown").isVisible()).toBe(true);
		expect((await reasoning.locator(".markdown").textContent())?.trim()).toBe(THOUGHT);

		await page.reload();
		await page.getByRole("button", { name: "where is taiwan", exact: true }).click();
		const reopened = page.locator(STORED_ANSWERS).last().locator("details.reasoning");
		await expect.poll(() => reopened.count()).toBe(1);
		expect(await reopened.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
		expect((await reopened.locator(".markdown").textContent())?.trim()).toBe(THOUGHT);
		expect(await page.locator(STORED_ANSWERS).last().locator(":scope > .markdown").textContent()).toBe(text);
		expect(cspViolations).toEqual([]);
	});
});
