import { createInterface } from "node:readline";
import { HearthApiError, type HearthClient } from "../../api/HearthClient.js";
import { stoppedByClient } from "../../api/native/NativeChat.js";
import { type LogLevel, readSetting } from "../../config/settings.js";
import type { ChatMessage, Engine, GenerationStats } from "../../engine/Engine.js";
import { DEFAULT_MODEL } from "../../hub/modelSpec.js";
import { ModelNotFoundError } from "../../models/ModelNotFoundError.js";
import { ModelStore } from "../../models/ModelStore.js";
import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";
import { formatStats } from "../formatStats.js";
import { serverClient } from "../serverClient.js";

export interface ChatCommandOptions {
	prompt?: string;
	system?: string;
	temp?: number;
	maxTokens?: number;
	seed?: number;
	ctx?: number;
	threads?: number;
	gpuLayers?: number | "max" | "auto";
	stats?: boolean;
	force?: boolean;
	/** Chat through this server instead of loading the model here. */
	server?: string;
	/** Load the model in this process even when a server is running. */
	local?: boolean;
}

/** Where answers come from: a model loaded in this process, or a running server. */
interface ChatBackend {
	/** One line about the model, printed when the REPL starts. */
	description: string;
	ask(
		messages: ChatMessage[],
		signal: AbortSignal,
		onFragment: (text: string) => void,
	): Promise<{ text: string; stats: GenerationStats }>;
	close(): Promise<void>;
}

/** What `hearth chat` talks to when no model is named; `hearth get` without arguments downloads it. */
const DEFAULT_MODEL_KEY = `${DEFAULT_MODEL.repo}/${DEFAULT_MODEL.file}`;
const LEVEL_ORDER: LogLevel[] = ["error", "warn", "info", "debug"];
const HELP =
	"Commands: /system [text] sets or shows the system prompt, /clear forgets the conversation, /exit quits. Ctrl+C stops an answer.";

/** Makes the engine a local chat runs on; its log lines go to `onLog`. Tests give a FakeEngine. */
export type EngineFactory = (onLog: (level: LogLevel, message: string) => void) => Engine | Promise<Engine>;

/** The llama.cpp engine, imported only when a chat runs locally: `hearth chat` through a server never loads it. */
async function llamaCppEngine(onLog: (level: LogLevel, message: string) => void): Promise<Engine> {
	const { LlamaCppEngine } = await import("../../engine/llama/LlamaCppEngine.js");
	return new LlamaCppEngine({ onLog: (level, message) => onLog(level, message) });
}

/**
 * `hearth chat [model]`: with -p, one answer on stdout; otherwise a REPL that streams answers and
 * prints a stats line after each. Ctrl+C stops the answer in progress, not the REPL. With a server
 * running (or --server), the server answers; otherwise the model is loaded here. Without a model,
 * the default one (Phi-3-mini-4k-instruct q4), with a hint to `hearth get` it when it is missing.
 */
export async function chatCommand(
	identifier: string | undefined,
	options: ChatCommandOptions,
	io: CommandIo,
	makeEngine: EngineFactory = llamaCppEngine,
): Promise<number> {
	let current: AbortController | undefined;
	let interrupted = false;
	let replStarted = false;
	// Ctrl+C stops the answer in progress; while loading (nothing to stop yet) it quits.
	const interrupt = () => {
		interrupted = true;
		if (current) current.abort();
		else if (!replStarted) process.exit(130);
	};
	process.on("SIGINT", interrupt);
	const interactive = options.prompt === undefined;
	const client = options.local ? undefined : serverClient(options.server);
	const useServer = client !== undefined && (options.server !== undefined || (await client.isRunning()));
	const model = identifier ?? DEFAULT_MODEL_KEY;
	// Said once the model is found, so that a missing one is a single line.
	const announce = () => {
		if (interactive) io.stderr.write(`Loading ${model}${useServer ? ` on ${client?.baseUrl}` : ""}…\n`);
	};
	const backend = await (useServer
		? serverBackend(client as HearthClient, model, options, announce)
		: localBackend(model, options, io, announce, makeEngine)
	).catch((error: unknown) => {
		const notFound = error instanceof ModelNotFoundError || (error instanceof HearthApiError && error.code === "model_not_found");
		if (identifier === undefined && notFound)
			throw new CliError(
				`the default model, Phi-3-mini-4k-instruct q4, is not downloaded; get it with: hearth get (or name one: hearth chat <model>)`,
			);
		throw error;
	});
	try {
		const answer = async (messages: ChatMessage[]): Promise<string> => {
			current = new AbortController();
			const { text, stats } = await backend.ask(messages, current.signal, (fragment) => io.stdout.write(fragment));
			io.stdout.write("\n");
			if (interactive || options.stats) (interactive ? io.stdout : io.stderr).write(`${dim(io.stdout, formatStats(stats))}\n`);
			current = undefined;
			return text;
		};
		let system = options.system;
		const withSystem = (turns: ChatMessage[]): ChatMessage[] =>
			system ? [{ role: "system", content: system }, ...turns] : turns;

		if (!interactive) {
			await answer(withSystem([{ role: "user", content: options.prompt ?? "" }]));
			return interrupted ? 130 : 0;
		}
		io.stderr.write(`${backend.description}\n${HELP}\n`);
		replStarted = true;
		const turns: ChatMessage[] = [];
		const rl = createInterface({
			input: io.stdin,
			output: io.stdout,
			terminal: Boolean((io.stdin as { isTTY?: boolean }).isTTY),
		});
		rl.on("SIGINT", () => {
			if (current) interrupt();
			else {
				io.stdout.write("\n(/exit or Ctrl+D quits)\n");
				rl.prompt();
			}
		});
		rl.setPrompt(">>> ");
		rl.prompt();
		for await (const raw of rl) {
			const line = raw.trim();
			if (line === "/exit" || line === "/bye") break;
			if (line === "/clear") {
				turns.length = 0;
				io.stdout.write("Conversation cleared.\n");
			} else if (line === "/system" || line.startsWith("/system ")) {
				const text = line.slice("/system".length).trim();
				if (text) {
					system = text;
					io.stdout.write("System prompt set.\n");
				} else io.stdout.write(`${system ? `System prompt: ${system}` : "No system prompt."}\n`);
			} else if (line === "/help" || line === "/?") {
				io.stdout.write(`${HELP}\n`);
			} else if (line.startsWith("/")) {
				io.stdout.write(`Unknown command ${line.split(" ")[0]}. ${HELP}\n`);
			} else if (line) {
				turns.push({ role: "user", content: line });
				const text = await answer(withSystem(turns));
				turns.push({ role: "assistant", content: text });
			}
			rl.prompt();
		}
		rl.close();
		return 0;
	} finally {
		process.off("SIGINT", interrupt);
		await backend.close();
	}
}

async function localBackend(
	identifier: string,
	options: ChatCommandOptions,
	io: CommandIo,
	announce: () => void,
	makeEngine: EngineFactory,
): Promise<ChatBackend> {
	// The terminal's user owns the files: any path is theirs to load (the server allows only its folders).
	const local = await new ModelStore().resolve(identifier, { anyPath: true });
	announce();
	const threshold = LEVEL_ORDER.indexOf(readSetting("logLevel"));
	const engine = await makeEngine((level, message) => {
		if (LEVEL_ORDER.indexOf(level) <= threshold) io.stderr.write(`[llama.cpp ${level}] ${message}\n`);
	});
	try {
		const model = await engine.load(local.path, {
			id: local.key,
			contextLength: options.ctx,
			threads: options.threads,
			gpuLayers: options.gpuLayers,
			force: options.force,
		});
		if (model.template.source === "fallback")
			io.stderr.write(`note: the model has no chat template; using node-llama-cpp's ${model.template.wrapper} format\n`);
		return {
			description: `Loaded ${model.id} in ${(model.loadTimeMs / 1000).toFixed(1)} s · context ${model.contextLength} · ${model.threads} threads · ${model.gpu}${model.gpu === "cpu" ? "" : ` (${model.gpuLayers} layers)`}`,
			async ask(messages, signal, onFragment) {
				const generation = engine.chat(
					model.id,
					{ temperature: options.temp, maxTokens: options.maxTokens, seed: options.seed, messages },
					{ signal },
				);
				for await (const fragment of generation) onFragment(fragment);
				return generation;
			},
			close: () => engine.dispose(),
		};
	} catch (error) {
		await engine.dispose();
		throw error;
	}
}

async function serverBackend(
	client: HearthClient,
	identifier: string,
	options: ChatCommandOptions,
	announce: () => void,
): Promise<ChatBackend> {
	announce();
	const model = await client.load({
		model: identifier,
		contextLength: options.ctx,
		threads: options.threads,
		gpuLayers: options.gpuLayers,
		force: options.force,
	});
	return {
		description: `Chatting with ${model.id} on ${client.baseUrl} · context ${model.contextLength} · ${model.gpu}`,
		async ask(messages, signal, onFragment) {
			let text = "";
			try {
				for await (const event of client.chat(
					{
						model: model.id,
						// The REPL only ever has system, user and assistant turns.
						messages: messages.map((m) => ({ role: m.role === "tool" ? "user" : m.role, content: m.content })),
						temperature: options.temp,
						maxTokens: options.maxTokens,
						seed: options.seed,
					},
					signal,
				)) {
					if (event.type === "fragment") {
						text += event.text;
						onFragment(event.text);
					} else if (event.type === "done") return { text: event.text, stats: event.stats };
					else if (event.type === "error") throw new Error(event.error.message);
				}
			} catch (error) {
				if (!signal.aborted) throw error;
			}
			// Stopped here: the server stops generating when the connection closes.
			return { text, stats: stoppedByClient() };
		},
		close: async () => {},
	};
}

function dim(stream: NodeJS.WriteStream, text: string): string {
	return stream.isTTY ? `\x1b[2m${text}\x1b[22m` : text;
}
