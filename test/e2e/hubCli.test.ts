import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { PHI3_Q4, PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";
import { startLoggingProxy } from "../fixtures/startLoggingProxy.js";
import { collect, runCli, startCli } from "./runCli.js";

let hub: FakeHub;
beforeAll(async () => {
	hub = await startFakeHub();
});
afterAll(() => hub.stop());
afterEach(() => hub.faults.clear());

const freshHome = () => mkdtempSync(join(tmpdir(), "hearth-get-"));
const env = (home: string, extra: NodeJS.ProcessEnv = {}) => ({
	HEARTH_HOME: home,
	HF_ENDPOINT: hub.url,
	HEARTH_OTHER_APPS: "off",
	...extra,
});

describe("hearth search", () => {
	it("finds GGUF repos on the hub, as a table or JSON", async () => {
		const home = freshHome();
		const table = await runCli(["search", "phi-3"], { env: env(home) });
		expect(table.code).toBe(0);
		expect(table.stdout).toMatch(/^REPO\s+DOWNLOADS\s+LIKES\s+UPDATED/);
		expect(table.stdout).toContain(`${PHI3_REPO}  500,000`);
		expect(table.stdout).not.toContain("safetensors");
		const json = await runCli(["search", "phi-3", "--sort", "likes", "--limit", "1", "--json"], { env: env(home) });
		expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: "someone/phi-3-medium-GGUF", likes: 2000 })]);
	});

	it("goes through HTTP_PROXY when it is set", async () => {
		const proxy = await startLoggingProxy();
		try {
			const result = await runCli(["search", "phi-3", "--json"], { env: env(freshHome(), { HTTP_PROXY: proxy.url }) });
			expect(result.code).toBe(0);
			expect(proxy.seen).toContain(`CONNECT ${new URL(hub.url).host}`);
			const bypass = await runCli(["search", "phi-3", "--json"], {
				env: env(freshHome(), { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" }),
			});
			expect(bypass.code).toBe(0);
			expect(proxy.seen).toHaveLength(1);
			proxy.server.closeAllConnections();
		} finally {
			proxy.server.close();
		}
	});
});

describe("hearth get", () => {
	it("takes the default model with no argument: Phi-3-mini q4, listed with fit, then loads", async () => {
		const home = freshHome();
		const result = await runCli(["get", "--yes", "--json"], { env: env(home) });
		expect(result.stderr).toMatch(/Phi-3-mini-4k-instruct-q4\.gguf\s+\S+ KiB\s+Q4\s+Fits without GPU\s+← selected/);
		expect(result.code).toBe(0);
		const record = JSON.parse(result.stdout);
		expect(record).toMatchObject({
			key: `${PHI3_REPO}/${PHI3_Q4}`,
			quantization: "Q4",
			resumedBytes: 0,
			sha256: hub.sha256Of(PHI3_REPO, PHI3_Q4),
		});
		expect(statSync(record.path).size).toBe(record.sizeBytes);
		const listed = JSON.parse((await runCli(["ls", "--json"], { env: env(home) })).stdout);
		expect(listed.map((m: { key: string; source: string }) => [m.key, m.source])).toEqual([[record.key, "hearth"]]);
		const chat = await runCli(["chat", "phi-3-mini-4k-instruct-q4", "-p", "where is taiwan", "--max-tokens", "6"], {
			env: env(home),
		});
		expect(chat.code).toBe(0);
		expect(chat.stdout.trim().length).toBeGreaterThan(0);
		const again = await runCli(["get", "--yes"], { env: env(home) });
		expect(again.stdout).toContain("Already downloaded");
	});

	it("shows every file with its fit and marks the recommended one; picks by @quant", async () => {
		const home = freshHome();
		const result = await runCli(["get", "bartowski/Tiny-Llama-GGUF@Q8_0", "--yes"], { env: env(home) });
		expect(result.code).toBe(0);
		const lines = result.stdout.split("\n");
		expect(lines.find((l) => l.startsWith("Tiny-Llama-Q4_K_M.gguf"))).toMatch(/Q4_K_M\s+Fits without GPU\s+\(recommended\)/);
		expect(lines.find((l) => l.startsWith("Tiny-Llama-Q8_0.gguf"))).toContain("← selected");
		expect(lines.find((l) => l.startsWith("Tiny-Llama-Q2_K-00001-of-00002.gguf"))).toContain("(+1 parts)");
		expect(result.stdout).toContain("Downloaded bartowski/Tiny-Llama-GGUF/Tiny-Llama-Q8_0.gguf");
	});

	it("resumes after the process is killed mid-download", async () => {
		const home = freshHome();
		hub.faults.set(PHI3_Q4, { bytesPerSecond: 40_000 });
		const part = join(home, "models", PHI3_REPO, `${PHI3_Q4}.part`);
		const child = startCli(["get", `${PHI3_REPO}/${PHI3_Q4}`, "--yes"], env(home));
		const done = collect(child);
		await until(() => existsSync(part) && statSync(part).size >= 32_768);
		child.kill("SIGKILL");
		await done;
		const kept = statSync(part).size;
		hub.faults.clear();
		hub.requests.length = 0;
		const resumed = await runCli(["get", `${PHI3_REPO}/${PHI3_Q4}`, "--yes", "--json"], { env: env(home) });
		expect(resumed.code).toBe(0);
		expect(JSON.parse(resumed.stdout).resumedBytes).toBe(kept);
		// Header reads ask for bounded ranges; the download asks from where it stopped to the end.
		const transfers = hub.requests.filter(
			(r) => r.path.startsWith("/blobs/") && r.method === "GET" && !/^bytes=\d+-\d+$/.test(r.range ?? ""),
		);
		expect(transfers.map((r) => r.range)).toEqual([`bytes=${kept}-`]);
		expect(existsSync(part)).toBe(false);
	});

	it("pauses on Ctrl+C with a resumable .part and says how to resume", async () => {
		const home = freshHome();
		hub.faults.set(PHI3_Q4, { bytesPerSecond: 40_000 });
		const part = join(home, "models", PHI3_REPO, `${PHI3_Q4}.part`);
		const child = startCli(["get", "--yes"], env(home));
		const done = collect(child);
		await until(() => existsSync(part) && statSync(part).size > 0);
		child.kill("SIGINT");
		const result = await done;
		expect(result.code).toBe(130);
		expect(result.stderr).toContain("run the same command again to resume");
		expect(existsSync(part)).toBe(true);
	});

	it.each([
		["an unknown repo", ["get", "nobody/nothing-GGUF", "--yes"], {}, /Not found on Hugging Face: nobody\/nothing-GGUF/],
		["a gated repo without HF_TOKEN", ["get", "meta-llama/Llama-gated-GGUF", "--yes"], {}, /gated.*HF_TOKEN/],
		["a file the repo does not have", ["get", `${PHI3_REPO}/nope.gguf`, "--yes"], {}, /has no GGUF file nope\.gguf/],
		["a corrupt download", ["get", "--yes"], { corrupt: true }, /corrupt: sha256 \w+ but the hub publishes/],
		["no confirmation without a terminal", ["get"], {}, /add --yes/],
	])("fails on %s with one line", async (_name, args, faults, pattern) => {
		hub.faults.set(PHI3_Q4, faults);
		const result = await runCli(args, { env: env(freshHome()) });
		expect(result.code).toBe(1);
		expect(
			result.stderr
				.trim()
				.split("\n")
				.filter((l) => l.startsWith("hearth:")),
		).toHaveLength(1);
		expect(result.stderr).toMatch(pattern);
	});

	it("works on a gated repo with HF_TOKEN", async () => {
		const result = await runCli(["get", "meta-llama/Llama-gated-GGUF", "--yes", "--json"], {
			env: env(freshHome(), { HF_TOKEN: hub.token }),
		});
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).key).toBe("meta-llama/Llama-gated-GGUF/llama-gated-Q4_0.gguf");
	});
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error("timed out");
		await new Promise((r) => setTimeout(r, 20));
	}
}
