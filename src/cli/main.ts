import { Command, CommanderError, Option } from "commander";
import { KvCacheType } from "../api/native/NativeModels.js";
import { type Setting, settings } from "../config/settings.js";
import { VERSION } from "../config/version.js";
import type { CommandIo } from "./CommandIo.js";
import {
	choiceListOption,
	choiceOption,
	gpuLayersOption,
	integerListOption,
	integerOption,
	numberOption,
	onOffOption,
} from "./parseOptions.js";

// Each command's module is imported in its action, so that `--help`, `--version` and quick commands do
// not load what others need (node-llama-cpp, hono, better-sqlite3, @huggingface/*: most of a second).

const io: CommandIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

const gpuBackendOption = choiceOption(["auto", "off", "cuda", "vulkan", "metal"] as const);

/** `--gpu` wins over HEARTH_GPU for this process: every engine and probe it starts reads the setting. */
function useGpu(backend: string | undefined): void {
	if (backend !== undefined) process.env.HEARTH_GPU = backend;
}

function settingsHelp(): string {
	const rows = Object.values(settings as Record<string, Setting<unknown>>).map(
		(s) => `  ${s.env.padEnd(22)} ${s.description} (default: ${s.defaultText})`,
	);
	return `\nSettings (environment variables):\n${rows.join("\n")}\n`;
}

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as Hearth's one line. */
function oneLineError(message: string): string {
	const [first, ...rest] = message
		.trim()
		.replace(/^error: /, "")
		.split("\n");
	const hint = rest
		.join(" ")
		.trim()
		.replace(/^\((.*)\)$/, "$1");
	return `hearth: ${first}${hint ? `; ${hint.charAt(0).toLowerCase()}${hint.slice(1)}` : ""}\n`;
}

// Settings given here are inherited by the subcommands created below, so they come first.
const program = new Command("hearth")
	.description("A local LLM studio: find GGUF models, run them with llama.cpp, chat in the terminal.")
	.version(VERSION, "-v, --version", "print the version")
	.addHelpText("after", settingsHelp)
	.showSuggestionAfterError()
	.configureOutput({ outputError: (message, write) => write(oneLineError(message)) })
	// Throw instead of exiting, so the code below sets the exit status and runs its cleanup.
	.exitOverride();

// Before any command runs, not at load: --help and --version need none of it.
program.hook("preAction", async () => {
	const { applyProxyFromEnvironment } = await import("../hub/applyProxyFromEnvironment.js");
	await applyProxyFromEnvironment();
});

program
	.command("serve")
	.description("serve the web UI and the OpenAI, Ollama and LM Studio APIs (default http://127.0.0.1:1234)")
	.option("--host <address>", "address to listen on (default 127.0.0.1; 0.0.0.0 serves the network)")
	.option("--port <n>", "port (default 1234)", integerOption(0))
	.option("--api-key <key>", "require this key on every request but /health")
	.option("--cors <origins>", 'browser origins allowed to call the API, comma-separated, or "*"')
	.option("--open", "open the web UI in the default browser")
	.option("--gpu <backend>", "GPU backend: auto, off, cuda, vulkan or metal (default: HEARTH_GPU, else auto)", gpuBackendOption)
	.action(async (options) => {
		useGpu(options.gpu);
		const { serveCommand } = await import("./commands/serve.js");
		process.exitCode = await serveCommand(options);
	});

program
	.command("chat")
	.description("chat with a model in the terminal (a REPL), or answer one prompt with -p")
	.argument("[model]", "model key, short key or path of a GGUF file; without it, Phi-3-mini-4k-instruct q4 (see hearth get)")
	.option("-p, --prompt <text>", "answer this prompt on stdout and exit")
	.option("--system <text>", "system prompt")
	.option("--temp <n>", "temperature, 0 = greedy (default 0.8)", numberOption(0, 100))
	.option("--max-tokens <n>", "most tokens to generate (default: until the model stops or the context is full)", integerOption(1))
	.option("--seed <n>", "sampling seed, for reproducible answers (default: random)", integerOption(0))
	.option("--ctx <n>", "context length (default 4096, capped at the model's)", integerOption(16))
	.option("--threads <n>", "CPU threads (default: the cores useful for math)", integerOption(1))
	.option("--gpu-layers <n|max|auto|off>", "layers to offload to the GPU (default auto)", gpuLayersOption)
	.option("--stats", "with -p: print the stats line on stderr")
	.option("--force", "load even if the memory estimate says the model will not fit")
	.option("--server <url>", "chat through this Hearth server (default: the local one when it is running)")
	.option("--local", "load the model in this process even when a server is running")
	.option("--gpu <backend>", "GPU backend: auto, off, cuda, vulkan or metal (default: HEARTH_GPU, else auto)", gpuBackendOption)
	.action(async (model: string | undefined, options) => {
		useGpu(options.gpu);
		const { chatCommand } = await import("./commands/chat.js");
		process.exitCode = await chatCommand(model, options, io);
	});

program
	.command("inspect")
	.description("show what a GGUF file holds: architecture, parameters, quantization, context, template, tokens")
	.argument("<model>", "model key, short key or path of a GGUF file")
	.option("--json", "print JSON")
	.action(async (model: string, options) => {
		const { inspectCommand } = await import("./commands/inspect.js");
		process.exitCode = await inspectCommand(model, options, io);
	});

program
	.command("search")
	.description("search Hugging Face for GGUF models")
	.argument("<query>", "words in the repo name, e.g. phi-3")
	.addOption(new Option("--sort <order>", "order of results").choices(["downloads", "likes", "updated"]).default("downloads"))
	.option("--limit <n>", "most results", integerOption(1), 20)
	.option("--json", "print JSON")
	.action(async (query: string, options) => {
		const { searchCommand } = await import("./commands/search.js");
		process.exitCode = await searchCommand(query, options, io);
	});

program
	.command("get")
	.description("download a GGUF model from Hugging Face (default: Phi-3-mini-4k-instruct q4), resuming where it stopped")
	.argument("[model]", "repo, repo@QUANT or repo/file.gguf; without it, the default model")
	.option("-y, --yes", "do not ask for confirmation")
	.option("--json", "print the final record as JSON")
	.action(async (model: string | undefined, options) => {
		const { getCommand } = await import("./commands/get.js");
		process.exitCode = await getCommand(model, options, io);
	});

program
	.command("ls")
	.description("list local models: Hearth's own and those of LM Studio, Hugging Face's cache and Ollama, with their fit")
	.option("--json", "print JSON")
	.option("--server <url>", "server to ask which are loaded")
	.action(async (options) => {
		const { lsCommand } = await import("./commands/ls.js");
		process.exitCode = await lsCommand(options, io);
	});

program
	.command("import")
	.description("file a GGUF model into Hearth's folder as <publisher>/<repo>/<file> (default: hard link, else copy)")
	.argument("<path>", "GGUF file (for a split model, any part)")
	.option("--copy", "copy the file")
	.option("--hardlink", "hard-link the file (no extra space; same file system only)")
	.option("--symlink", "link to the file where it is")
	.option("--move", "move the file")
	.option("--repo <publisher/repo>", "where to file it (default: local/<file name>)")
	.option("--dry-run", "say what would happen, change nothing")
	.option("--json", "print the result as JSON")
	.action(async (path: string, options) => {
		const { importCommand } = await import("./commands/importCommand.js");
		process.exitCode = await importCommand(path, options, io);
	});

program
	.command("ps")
	.description("models the server holds in memory, with settings, memory and idle time")
	.option("--json", "print JSON")
	.option("--server <url>", "server to ask (default http://127.0.0.1:1234)")
	.action(async (options) => {
		const { psCommand } = await import("./commands/ps.js");
		process.exitCode = await psCommand(options, io);
	});

program
	.command("bench")
	.description("measure a model on this machine: load time, prompt and generation speed, first token, memory")
	.argument("<model>", "model key, short key or path of a GGUF file")
	.option("--threads <list>", "CPU thread counts to measure, e.g. 1,2 (default: the cores useful for math)", integerListOption(1))
	.option("--ctx <list>", "context lengths to measure (default 4096, capped at the model's)", integerListOption(16))
	.option("--batch <list>", "batch sizes to measure (default 512)", integerListOption(1))
	.option("--kv-cache <list>", "KV cache types to measure: f16, q8_0, q4_0 (default f16)", choiceListOption(KvCacheType.options))
	.option("--parallel <list>", "concurrent streams to measure (default 1)", integerListOption(1))
	.option("--prompt <n>", "tokens of each prompt (default 256; 512 with --tune)", integerOption(8))
	.option("--gen <n>", "tokens each stream generates (default 64; 32 with --tune)", integerOption(2))
	.option("--reps <n>", "repetitions of each setting (default 2; 1 with --tune)", integerOption(1))
	.option(
		"--tune",
		"find the fastest threads, flash attention, KV cache type and batch size, and save them as the model's defaults",
	)
	.option(
		"--objective <generation|throughput>",
		"with --tune: one stream's speed (default) or all parallel streams'",
		choiceOption(["generation", "throughput"] as const),
	)
	.option("--json", "print JSON")
	.option("--gpu <backend>", "GPU backend: auto, off, cuda, vulkan or metal (default: HEARTH_GPU, else auto)", gpuBackendOption)
	.action(async (model: string, options) => {
		useGpu(options.gpu);
		const { benchCommand } = await import("./commands/bench.js");
		process.exitCode = await benchCommand(model, options, io);
	});

program
	.command("eval")
	.description("score a model on multiple-choice questions: your JSONL set, or Hearth's own 30")
	.argument("<model>", "model key, short key or path of a GGUF file")
	.argument("[set]", 'JSONL file of {"question", "choices", "answer", "subject"} lines (default: general, the shipped set)')
	.option("--limit <n>", "score only the first n questions", integerOption(1))
	.option("--threads <n>", "CPU threads", integerOption(1))
	.option("--json", "print JSON")
	.action(async (model: string, set: string | undefined, options) => {
		const { evalCommand } = await import("./commands/eval.js");
		process.exitCode = await evalCommand(model, set, options, io);
	});

program
	.command("load")
	.description("load a model in the server")
	.argument("<model>", "model key, short key or path")
	.option("--ctx <n>", "context length per request", integerOption(16))
	.option("--gpu-layers <n|max|auto|off>", "layers to offload to the GPU (default auto)", gpuLayersOption)
	.option("--ttl <seconds>", "unload after this long idle", integerOption(0))
	.option("--parallel <n>", "requests answered at once", integerOption(1))
	.option("--threads <n>", "CPU threads", integerOption(1))
	.option("--kv-cache <type>", "KV cache type: f16 (default), q8_0 (half the memory) or q4_0", choiceOption(KvCacheType.options))
	.option("--draft <model>", "a smaller model with the same vocabulary that drafts tokens (speculative decoding)")
	.option("--prompt-lookup <on|off>", "draft from the prompt's own tokens (default on, HEARTH_PROMPT_LOOKUP)", onOffOption)
	.option("--force", "load even if the memory estimate says it will not fit")
	.option("--json", "print JSON")
	.option("--server <url>", "server to use")
	.action(async (model: string, options) => {
		const { loadCommand } = await import("./commands/load.js");
		process.exitCode = await loadCommand(model, options, io);
	});

program
	.command("unload")
	.description("unload a model from the server, or all of them")
	.argument("[model]", "model key or short key")
	.option("--all", "unload every model")
	.option("--server <url>", "server to use")
	.action(async (model: string | undefined, options) => {
		const { unloadCommand } = await import("./commands/unload.js");
		process.exitCode = await unloadCommand(model, options, io);
	});

const server = program.command("server").description("the running server");
server
	.command("status")
	.description("whether the server runs, its address, settings, machine and loaded models")
	.option("--json", "print JSON")
	.option("--server <url>", "server to ask")
	.action(async (options) => {
		const { serverStatusCommand } = await import("./commands/serverStatus.js");
		process.exitCode = await serverStatusCommand(options, io);
	});

const log = program.command("log").description("the server's log");
log
	.command("stream")
	.description("print the server's log as it happens (Ctrl+C stops)")
	.option("--server <url>", "server to follow")
	.action(async (options) => {
		const { logStreamCommand } = await import("./commands/logStream.js");
		process.exitCode = await logStreamCommand(options, io);
	});

program
	.command("rm")
	.description("delete a model from Hearth's folder (models of other apps are never deleted)")
	.argument("<model>", "model key or short key")
	.option("-y, --yes", "do not ask for confirmation")
	.action(async (model: string, options) => {
		const { rmCommand } = await import("./commands/rm.js");
		process.exitCode = await rmCommand(model, options, io);
	});

try {
	await program.parseAsync(process.argv);
} catch (error) {
	if (error instanceof CommanderError) {
		// Commander already printed the help, the version or its error (as one line, by outputError).
		process.exitCode = error.exitCode;
	} else {
		const message = error instanceof Error ? error.message : String(error);
		process.stderr.write(`hearth: ${message.split("\n")[0]}\n`);
		if (process.env.HEARTH_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
		process.exitCode = 1;
	}
}
// Runner processes are gone by now; do not let a stray handle keep the CLI alive.
process.exit(process.exitCode ?? 0);
