import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, hasChromium, launchChromium } from "../fixtures/launchChromium.js";
import { LLAMA_KEY, PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

const ARTIFACTS = join(process.cwd(), "test-artifacts");

if (!hasChromium) {
	describe("Bench and Eval views", () => {
		it.skip(`skipped: no Chromium at ${CHROMIUM}`, () => {});
	});
}

// The Bench and Eval views in Chromium, over a FakeEngine server (the numbers are the fake's; that
// they are run, shown, charted under the strict CSP and kept is what is checked).
describe.skipIf(!hasChromium)("Bench and Eval views", () => {
	let server: FakeServer;
	let browser: Browser;
	let page: Page;
	const refused: string[] = [];

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		server = await startFakeServer({ engine: { tokenDelayMs: 1 } });
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		page.on("console", (message) => {
			if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
		});
		await page.goto(server.url);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
	});

	const tab = (name: string) => page.getByRole("button", { name, exact: true }).first().click();
	const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

	it("runs a benchmark preset with progress, charts it, and compares kept runs", async () => {
		await tab("Bench");
		await page.getByLabel("Model", { exact: true }).selectOption(PHI3_KEY);
		await page.getByLabel("Preset").selectOption("full");
		await page.getByRole("button", { name: "Run", exact: true }).click();
		const results = page.getByRole("table", { name: "Benchmark results" });
		await expect.poll(() => results.locator("tbody tr").count(), { timeout: 30_000 }).toBe(6);
		// Generation, prompt speed and first token per setting, and the parallel-streams line chart
		// (no memory chart: the fake engine's runners have no process to measure).
		await expect.poll(() => page.locator(".bench-result canvas").count(), { timeout: 10_000 }).toBe(4);
		expect(await page.getByRole("img", { name: /memory/ }).count()).toBe(0);
		await expect.poll(() => page.getByRole("img", { name: /against parallel streams/ }).count()).toBe(1);
		await shot("bench-view");

		await page.getByLabel("Preset").selectOption("quick");
		await page.getByRole("button", { name: "Run", exact: true }).click();
		await expect.poll(() => results.locator("tbody tr").count(), { timeout: 30_000 }).toBe(1);
		const kept = page.getByRole("table", { name: "Earlier benchmarks" }).locator("tbody tr");
		await expect.poll(() => kept.count()).toBe(2);
		for (const box of await kept.getByRole("checkbox").all()) await box.check();
		await expect.poll(() => page.getByRole("img", { name: /of the chosen runs/ }).count()).toBe(1);
		await shot("bench-compare");
		// A kept run's results again: the full preset's (kept newest first, so the second row).
		await kept
			.nth(1)
			.getByRole("button", { name: /^Show the run of/ })
			.click();
		await expect.poll(() => results.locator("tbody tr").count()).toBe(6);
		await expect.poll(() => page.locator(".bench-result canvas").count(), { timeout: 10_000 }).toBe(4);
		await page.getByRole("button", { name: "Hide" }).click();
		await expect.poll(() => results.locator("tbody tr").count()).toBe(1);
		expect(refused).toEqual([]);
	});

	it("uploads a JSONL set, runs it with progress, shows the score and the models compared", async () => {
		await tab("Eval");
		await page
			.getByLabel("Model", { exact: true })
			.selectOption(PHI3_KEY, { timeout: 5000 })
			.catch(async (error) => {
				await shot("eval-failure");
				throw error;
			});
		const lines = ["Which is first?", "Which is second?", "Which is third?"].map((question, i) =>
			JSON.stringify({ question, choices: ["a", "b", "c"], answer: i, subject: i < 2 ? "order" : "more" }),
		);
		await page.getByLabel("Questions (JSONL)").setInputFiles({
			name: "mine.jsonl",
			mimeType: "application/jsonl",
			buffer: Buffer.from([...lines, "{broken"].join("\n")),
		});
		await page.getByRole("button", { name: "Run", exact: true }).click();
		await expect
			.poll(() => page.getByRole("table", { name: "Answers" }).locator("tbody tr").count(), { timeout: 30_000 })
			.toBe(3);
		await expect.poll(() => page.locator(".eval-score").textContent()).toMatch(/^\d\/3 correct, [\d.]+ % \(95 % interval/);
		await expect.poll(() => page.getByRole("list", { name: "Skipped lines" }).textContent()).toMatch(/line 4: not JSON/);
		await expect.poll(() => page.getByRole("img", { name: "Accuracy per subject" }).count()).toBe(1);
		await expect.poll(() => page.getByRole("table", { name: "Models compared" }).locator("tbody tr").count()).toBe(1);
		await shot("eval-view");
		expect(refused).toEqual([]);
	});

	it("compares two models side by side in the Chat view and keeps one answer as a conversation", async () => {
		await tab("Chat");
		await page.getByRole("button", { name: "Compare side by side" }).click();
		await page.getByLabel("Model of column 1").selectOption(PHI3_KEY);
		await page.getByLabel("Model of column 2").selectOption(LLAMA_KEY);
		await page.getByLabel("Temperature of column 2").fill("0");
		await page.getByLabel("Prompt to compare").fill("where is taiwan");
		await page.getByRole("button", { name: "Compare", exact: true }).click();
		const answers = page.locator(".compare-answer");
		await expect.poll(() => answers.locator(".stats").count(), { timeout: 20_000 }).toBe(2);
		for (const stats of await answers.locator(".stats").allTextContents())
			expect(stats).toMatch(/tok\/s · TTFT \d+ ms · \d+ tokens/);
		await expect.poll(() => answers.nth(1).locator("h3").textContent()).toMatch(/tiny-llama.*temperature 0/);
		const kept = (await answers.nth(1).locator(".markdown").textContent()) ?? "";
		await shot("compare-view");
		await answers.nth(1).getByRole("button", { name: "Keep as conversation" }).click();
		// The chat view again, on a new conversation holding the prompt and that answer.
		await expect.poll(() => page.getByRole("button", { name: "Compare side by side" }).count()).toBe(1);
		await expect.poll(() => page.getByText("where is taiwan").count()).toBeGreaterThan(0);
		const chats = await (await fetch(`${server.url}/hearth/chats`)).json();
		const conversation = (chats as { id: string; model: string }[]).find((c) => c.model === LLAMA_KEY);
		if (!conversation) throw new Error("no conversation kept");
		const { messages } = (await (await fetch(`${server.url}/hearth/chats/${conversation.id}`)).json()) as {
			messages: { role: string; content: string; stats?: unknown }[];
		};
		expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
		expect(messages[0]?.content).toBe("where is taiwan");
		expect(kept).toContain(messages[1]?.content.slice(0, 10) ?? "?");
		expect(messages[1]?.stats).toBeDefined();
		expect(refused).toEqual([]);
	});
});
