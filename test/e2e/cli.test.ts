import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/config/version.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";
import { collect, runCli, startCli } from "./runCli.js";

let model: string;
beforeAll(async () => {
	model = await testModel({ type: "Q4_0" });
});

/** Asserts the contract for every CLI error: one line `hearth: …` on stderr, nothing on stdout, a non-zero exit. */
function expectOneLineError(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
	expect(result.code).not.toBe(0);
	expect(result.code).not.toBeNull();
	expect(result.stdout).toBe("");
	expect(result.stderr.endsWith("\n")).toBe(true);
	expect(result.stderr.slice(0, -1).split("\n")).toHaveLength(1);
	expect(result.stderr).toMatch(/^hearth: /);
	expect(result.stderr).toMatch(pattern);
}

describe("hearth --version and --help", () => {
	it.each([["--version"], ["-v"]])("%s prints the version and exits 0", async (flag) => {
		const result = await runCli([flag]);
		expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
	});

	it("--help prints the commands and the settings on stdout and exits 0", async () => {
		const result = await runCli(["--help"]);
		expect(result.code).toBe(0);
		expect(result.stderr).toBe("");
		expect(result.stdout).toMatch(/^Usage: hearth \[options\] \[command\]/);
		expect(result.stdout).toMatch(/-v, --version\s+print the version/);
		expect(result.stdout).toMatch(/^ {2}chat \[options\] \[model\]/m);
		expect(result.stdout).toContain("Settings (environment variables):");
		expect(result.stdout).toMatch(/HEARTH_HOME\s+/);
	});
});

describe("CLI errors are one line", () => {
	it.each([
		["an unknown option", ["ls", "--jsn"], /^hearth: unknown option '--jsn'; did you mean --json\?$/m],
		["an unknown top-level option", ["--frobnicate"], /^hearth: unknown option '--frobnicate'$/m],
		["an unknown command", ["lss"], /^hearth: unknown command 'lss'; did you mean ls\?$/m],
		["a missing argument", ["inspect"], /^hearth: missing required argument 'model'$/m],
		["a missing option value", ["chat", "x", "--temp"], /^hearth: option '--temp <n>' argument missing$/m],
		[
			"a bad number value",
			["chat", "x", "-p", "hi", "--max-tokens", "0"],
			/^hearth: option '--max-tokens <n>' argument '0' is invalid\. Expected an integer >= 1\.$/m,
		],
		["a bad GPU layers value", ["load", "x", "--gpu-layers", "lots"], /argument 'lots' is invalid\. Expected a number of layers/],
		[
			"an empty integer",
			["chat", "x", "--seed", ""],
			/^hearth: option '--seed <n>' argument '' is invalid\. Expected an integer >= 0\.$/m,
		],
		["excess arguments", ["ls", "extra"], /^hearth: too many arguments for 'ls'/],
	])("for %s", async (_name, args, pattern) => {
		expectOneLineError(await runCli(args), pattern);
	});
});

describe("hearth chat without a model", () => {
	it.each([
		["the REPL", [], ""],
		["-p", ["-p", "hi"], undefined],
	])("in %s says in one line how to get the default model when it is missing", async (_name, args, input) => {
		expectOneLineError(await runCli(["chat", ...args], { input }), /default model, Phi-3-mini-4k-instruct q4.*hearth get/);
	});

	it("uses the default model, Phi-3-mini-4k-instruct q4, when it is there", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-cli-default-"));
		mkdirSync(dirname(join(home, "models", PHI3_KEY)), { recursive: true });
		copyFileSync(model, join(home, "models", PHI3_KEY));
		const env = { HEARTH_HOME: home };
		const prompt = ["-p", "hi", "--max-tokens", "3", "--seed", "1"];
		const result = await runCli(["chat", ...prompt], { env });
		expect(result.code).toBe(0);
		expect(result.stdout.trim().length).toBeGreaterThan(0);
		// The same answer as naming the model.
		expect((await runCli(["chat", PHI3_KEY, ...prompt], { env })).stdout).toBe(result.stdout);
	});
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

	it.each([
		["--gpu", ["--gpu", "metal"], {}],
		["HEARTH_GPU", [], { HEARTH_GPU: "metal" }],
	] as const)("refuses a GPU backend this machine lacks, named by %s, in one line", async (_how, flags, env) => {
		// Metal has no Linux build: missing on every machine this runs on, whatever its GPU.
		const result = await runCli(["chat", model, "-p", "hi", ...flags], { env });
		expectOneLineError(result, /^hearth: the metal backend is not available on this machine \(available: .*cpu\)/);
	});

	it("refuses an unknown --gpu value in one line", async () => {
		const result = await runCli(["chat", model, "-p", "hi", "--gpu", "tpu"]);
		expectOneLineError(
			result,
			/^hearth: option '--gpu <backend>' argument 'tpu' is invalid\. Expected auto or off or cuda or vulkan or metal\.$/m,
		);
	});

	it("rejects a bad option value with one line and a non-zero exit", async () => {
		const result = await runCli(["chat", model, "-p", "hi", "--temp", "hot"]);
		expectOneLineError(result, /^hearth: option '--temp <n>' argument 'hot' is invalid\. Expected a number from 0 to 100\.$/m);
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
