import { rmSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, describe, expect, it } from "vitest";
import { engineVersions } from "../../src/engine/llama/engineVersions.js";
import { kvCacheOptions } from "../../src/engine/llama/kvCacheOptions.js";
import { type RunningServer, startServer } from "../../src/server/startServer.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";

// One sequence, three conversations taking turns through three dialects, then a restart: each
// conversation's next turn is told that its history came from the cache, not evaluated again.
const SYSTEM = (topic: string) =>
	`You are a patient tutor of ${topic}. Answer in short sentences, name your sources, and say when you do not know something about ${topic}.`;
let env: NodeJS.ProcessEnv;
let server: RunningServer | undefined;

afterAll(async () => {
	await server?.close();
	const home = env?.HEARTH_HOME;
	if (!home) return;
	const subject = { modelPath: join(home, "models", PHI3_KEY), gpu: "auto", gpuLayers: "auto" as const, threads: 1 };
	const ramDir = kvCacheOptions(home, { ...subject, engineVersion: engineVersions().llamaCpp }, { ramMb: 1, diskMb: 1 })?.ramDir;
	if (ramDir) rmSync(join(ramDir, ".."), { recursive: true, force: true });
});

async function start(): Promise<{ openai: OpenAI; anthropic: Anthropic; url: string }> {
	server = await startServer({ port: 0, env, print: () => {} });
	return {
		url: server.url,
		openai: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 }),
		anthropic: new Anthropic({ baseURL: server.url, apiKey: "not-needed", maxRetries: 0 }),
	};
}

describe("conversations taking turns on one sequence", () => {
	it("each get their history back from the kept KV state, in every dialect and after a restart", async () => {
		env = await serverHome({ HEARTH_PARALLEL: "1", HEARTH_KV_CACHE_RAM_MB: "64", HEARTH_KV_CACHE_DISK_MB: "64" });
		const { openai, anthropic } = await start();
		const greedy = { temperature: 0, max_tokens: 8 };

		const islandsFirst = [
			{ role: "system" as const, content: SYSTEM("islands") },
			{ role: "user" as const, content: "tell me about islands" },
		];
		const islands1 = await openai.chat.completions.create({ model: PHI3_KEY, messages: islandsFirst, ...greedy });
		const rivers1 = await anthropic.messages.create({
			model: PHI3_KEY,
			system: SYSTEM("rivers"),
			messages: [{ role: "user", content: "tell me about rivers" }],
			max_tokens: 8,
			temperature: 0,
		} as Anthropic.MessageCreateParamsNonStreaming);
		const mountainsFirst = { model: PHI3_KEY, instructions: SYSTEM("mountains"), input: "tell me about mountains" };
		const mountains1 = await openai.responses.create({ ...mountainsFirst, max_output_tokens: 8, temperature: 0 });

		// Each conversation's second turn: its first turn's prompt is reused, though two others ran since.
		const islands2 = await openai.responses.create({
			model: PHI3_KEY,
			instructions: SYSTEM("islands"),
			input: [
				{ role: "user", content: "tell me about islands" },
				{ role: "assistant", content: islands1.choices[0]?.message.content ?? "" },
				{ role: "user", content: "and then?" },
			],
			max_output_tokens: 8,
			temperature: 0,
		});
		expect(islands2.usage?.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(islands1.usage?.prompt_tokens ?? 1e9);

		const rivers2 = await anthropic.messages.create({
			model: PHI3_KEY,
			system: SYSTEM("rivers"),
			messages: [
				{ role: "user", content: "tell me about rivers" },
				{ role: "assistant", content: rivers1.content.map((b) => (b.type === "text" ? b.text : "")).join("") },
				{ role: "user", content: "and then?" },
			],
			max_tokens: 8,
			temperature: 0,
		} as Anthropic.MessageCreateParamsNonStreaming);
		const riversFirstPrompt = rivers1.usage.input_tokens + (rivers1.usage.cache_read_input_tokens ?? 0);
		expect(rivers2.usage.cache_read_input_tokens).toBeGreaterThanOrEqual(riversFirstPrompt);

		await server?.close(); // the unload keeps what the sequence holds: the rivers
		server = undefined;
		const again = await start();
		const mountains2 = await again.openai.responses.create({
			...mountainsFirst,
			input: [
				{ role: "user", content: "tell me about mountains" },
				{ role: "assistant", content: mountains1.output_text },
				{ role: "user", content: "and then?" },
			],
			max_output_tokens: 8,
			temperature: 0,
		});
		expect(mountains2.usage?.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(mountains1.usage?.input_tokens ?? 1e9);
	});
});
