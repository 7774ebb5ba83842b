import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testModel } from "../fixtures/testModel.js";
import { collect, runCli, startCli } from "./runCli.js";

let model: string;
beforeAll(async () => {
	model = await testModel({ type: "Q4_0" });
});

describe("hearth chat -p", () => {
	it("answers the same for the same seed, on stdout only", async () => {
		const args = ["chat", model, "-p", "where is taiwan", "--seed", "1", "--max-tokens", "16"];
		const first = await runCli(args);
		const second = await runCli(args);
		expect(first.code).toBe(0);
		expect(first.stdout.trim().length).toBeGreaterThan(0);
		expect(first.stdout.endsWith("\n")).toBe(true);
		expect(second.stdout).toBe(first.stdout);
		const other = await runCli(["chat", model, "-p", "where is taiwan", "--seed", "2", "--max-tokens", "16", "--temp", "1.5"]);
		expect(other.code).toBe(0);
		expect(other.stdout).not.toBe(first.stdout);
	});

	it("prints the stats line on stderr with --stats", async () => {
		const result = await runCli(["chat", model, "-p", "hello", "--max-tokens", "5", "--stats", "--system", "Be brief."]);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/tok\/s · TTFT \d+ ms · 5 tokens \(prompt \d+\) · stop: max tokens/);
	});

	it.each([
		["a missing file", () => join(tmpdir(), "no-such-model.gguf"), /No model file at/],
		["a truncated GGUF", () => truncatedCopy(model), /truncated/],
		["a file that is not GGUF", () => notGguf(), /not a valid GGUF model/],
	])("refuses %s with one line on stderr and exit 1", async (_name, path, pattern) => {
		const result = await runCli(["chat", path(), "-p", "hi"]);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe("");
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
		expect(result.stderr).toMatch(/^hearth: /);
		expect(result.stderr).toMatch(pattern);
	});

	it("rejects a bad option value with one line and a non-zero exit", async () => {
		const result = await runCli(["chat", model, "-p", "hi", "--temp", "hot"]);
		expect(result.code).not.toBe(0);
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
		expect(result.stderr).toContain("--temp");
	});
});

describe("hearth chat REPL", () => {
	it("streams answers with a stats line and understands /system, /clear and /exit", async () => {
		const result = await runCli(["chat", model, "--seed", "4", "--max-tokens", "6"], {
			input: "where is taiwan\n/system Answer in one word.\n/system\n/clear\nhello\n/exit\nnever sent\n",
		});
		expect(result.code).toBe(0);
		const stats = result.stdout.match(/tok\/s · TTFT \d+ ms · 6 tokens/g) ?? [];
		expect(stats).toHaveLength(2);
		expect(result.stdout).toContain("System prompt set.");
		expect(result.stdout).toContain("System prompt: Answer in one word.");
		expect(result.stdout).toContain("Conversation cleared.");
		expect(result.stderr).toContain("Loading");
	});

	it("stops the answer on Ctrl+C and keeps the REPL", async () => {
		const child = startCli(["chat", model, "--temp", "0"]);
		const done = collect(child);
		let out = "";
		child.stdout?.on("data", (d) => {
			out += d;
		});
		await until(() => out.includes(">>> "));
		child.stdin?.write("where is taiwan\n");
		await until(() => out.length > out.indexOf(">>> ") + 40);
		child.kill("SIGINT");
		await until(() => out.includes("stop: user stopped"));
		child.stdin?.end("/exit\n");
		const result = await done;
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/stop: user stopped/);
	});
});

describe("hearth inspect", () => {
	it("describes a GGUF as JSON", async () => {
		const result = await runCli(["inspect", model, "--json"]);
		expect(result.code).toBe(0);
		const info = JSON.parse(result.stdout);
		expect(info).toMatchObject({
			architecture: "phi3",
			quantization: "Q4_0",
			contextLength: 4096,
			layers: 2,
			embeddingLength: 64,
			specialTokens: { eos: { text: "<|endoftext|>" }, bos: { id: 1, text: "<s>" } },
		});
		expect(info.parameterCount).toBeGreaterThan(100_000);
		expect(info.chatTemplate).toContain("<|assistant|>");
	});

	it("prints a readable summary with the first lines of the template", async () => {
		const result = await runCli(["inspect", model]);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/architecture\s+phi3/);
		expect(result.stdout).toMatch(/quantization\s+Q4_0/);
		expect(result.stdout).toMatch(/eos token\s+"<\|endoftext\|>"/);
		expect(result.stdout).toContain("chat template (");
	});
});

function truncatedCopy(path: string): string {
	const bytes = readFileSync(path);
	const out = join(tmpdir(), `hearth-cli-truncated-${process.pid}.gguf`);
	writeFileSync(out, bytes.subarray(0, bytes.length - 1000));
	return out;
}

function notGguf(): string {
	const out = join(tmpdir(), `hearth-cli-text-${process.pid}.gguf`);
	writeFileSync(out, "this is a text file, not a model\n".repeat(10));
	return out;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error("timed out waiting for the CLI");
		await new Promise((r) => setTimeout(r, 20));
	}
}
