import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORED_ANSWERS } from "../fixtures/chatPage.js";
import { CHROMIUM, hasChromium, launchChromium } from "../fixtures/launchChromium.js";
import { testMcpStdio } from "../fixtures/mcp/testMcpCommand.js";
import { TOOLS_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// MCP tools in the chat view: a real stdio MCP server (written for the tests) behind a FakeEngine
// whose tool-calling model calls "add". The web UI's own requests may use mcp.json without an API key.
const ARTIFACTS = join(process.cwd(), "test-artifacts");

if (!hasChromium) {
	describe("MCP tools in the web UI", () => {
		it.skip(`skipped: no Chromium at ${CHROMIUM}`, () => {});
	});
}

describe.skipIf(!hasChromium)("MCP tools in the web UI", () => {
	let server: FakeServer;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		server = await startFakeServer({ engine: { tokenDelayMs: 1 } });
		const mcp = { mcpServers: { calc: testMcpStdio() } };
		writeFileSync(join(server.env.HEARTH_HOME as string, "mcp.json"), JSON.stringify(mcp));
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		await page.goto(server.url);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
	});

	it("shows the call with its arguments, runs it only when allowed, shows the result and the answer", async () => {
		await page.getByLabel("Model", { exact: true }).selectOption(TOOLS_KEY);
		await page.getByText("System prompt and sampling").click();
		await page.getByLabel(/Use MCP tools/).check();
		await page.getByLabel("Message", { exact: true }).fill("what is 2 and 3?");
		await page.getByLabel("Message", { exact: true }).press("Enter");
		const step = page.getByRole("list", { name: "Tool calls" }).getByRole("listitem").first();
		await expect.poll(() => step.textContent(), { timeout: 15_000 }).toMatch(/Calls add of MCP server calc with \{"a":/);
		await page.screenshot({ path: join(ARTIFACTS, "chat-tool-approval.png"), fullPage: true });
		const args = JSON.parse((await step.locator("code").nth(1).textContent()) ?? "{}") as { a: number; b: number };
		await page.getByRole("button", { name: "Allow once" }).click();
		await expect.poll(() => page.getByRole("button", { name: "Allow once" }).count()).toBe(0);
		await expect.poll(() => page.locator(STORED_ANSWERS).count(), { timeout: 15_000 }).toBe(1);
		// Kept with the answer: the call and its result, with nothing left to approve.
		const kept = page.locator(STORED_ANSWERS).last().getByRole("list", { name: "Tool calls" });
		await expect.poll(() => kept.textContent()).toMatch(/^Calls add of MCP server calc with \{.*\}Result-?[\d.e+-]+$/);
		expect(await page.getByRole("button", { name: "Allow once" }).count()).toBe(0);
		expect(server.engine.requests.at(-1)?.request).toMatchObject({
			messages: expect.arrayContaining([{ role: "tool", toolCallId: expect.any(String), content: String(args.a + args.b) }]),
		});
	});

	it("shows mcp.json's servers in the Server view, and refuses an invalid edit, saying why", async () => {
		await page.getByRole("button", { name: "Server", exact: true }).first().click();
		const list = page.getByRole("list", { name: "MCP servers" });
		await expect
			.poll(() => list.textContent(), { timeout: 15_000 })
			.toMatch(/calc \(stdio\) — 5 tools: add, echo, huge, slow, crash/);
		const editor = page.getByLabel("mcp.json");
		const saved = await editor.inputValue();
		await editor.fill(JSON.stringify({ mcpServers: { calc: { url: "ftp://example.com/mcp" } } }));
		await page.getByRole("button", { name: "Save and restart the servers" }).click();
		await expect.poll(() => page.locator(".mcp .error").textContent()).toMatch(/mcpServers\.calc/);
		expect(JSON.parse(readFileSync(join(server.env.HEARTH_HOME as string, "mcp.json"), "utf8"))).toEqual(JSON.parse(saved));
		await page.screenshot({ path: join(ARTIFACTS, "server-mcp.png"), fullPage: true });
	});
});
