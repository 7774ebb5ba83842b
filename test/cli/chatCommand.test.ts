import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../../src/cli/CommandIo.js";
import { chatCommand } from "../../src/cli/commands/chat.js";
import { FakeEngine } from "../fixtures/FakeEngine.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { testModel } from "../fixtures/testModel.js";

// The CLI's local path takes its engine injected, as the server does: `hearth chat -p` runs here on
// a FakeEngine, in this process, with no runner and no llama.cpp.
beforeAll(async () => {
	const home = mkdtempSync(join(tmpdir(), "hearth-chat-cli-"));
	mkdirSync(dirname(join(home, "models", PHI3_KEY)), { recursive: true });
	copyFileSync(await testModel({ type: "Q4_0" }), join(home, "models", PHI3_KEY));
	process.env.HEARTH_HOME = home;
	process.env.HEARTH_OTHER_APPS = "off";
});

function io() {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	const text = { out: "", err: "" };
	stdout.on("data", (d) => {
		text.out += d;
	});
	stderr.on("data", (d) => {
		text.err += d;
	});
	return { streams: { stdin: new PassThrough(), stdout, stderr } as unknown as CommandIo, text };
}

describe("hearth chat -p on an injected engine", () => {
	it("answers with the default model when none is named, and says the stats on stderr", async () => {
		const engine = new FakeEngine();
		const { streams, text } = io();
		const code = await chatCommand(
			undefined,
			{ prompt: "where is taiwan", maxTokens: 4, seed: 1, local: true, stats: true },
			streams,
			() => engine,
		);
		expect(code).toBe(0);
		expect(engine.loads.map((l) => l.options.id)).toEqual([PHI3_KEY]);
		expect(engine.requests[0].request).toMatchObject({
			maxTokens: 4,
			seed: 1,
			messages: [{ role: "user", content: "where is taiwan" }],
		});
		expect(text.out.trim().split(/\s+/)).toHaveLength(4);
		expect(text.err).toMatch(/tok\/s/);
		// The engine is disposed with the command: nothing stays loaded.
		expect(engine.listLoaded()).toEqual([]);
	});

	it("gives the same answer for the same seed", async () => {
		const answer = async () => {
			const { streams, text } = io();
			await chatCommand(PHI3_KEY, { prompt: "hi", maxTokens: 6, seed: 9, local: true }, streams, () => new FakeEngine());
			return text.out;
		};
		expect(await answer()).toBe(await answer());
	});
});
