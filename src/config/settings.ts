import { homedir, totalmem } from "node:os";
import { delimiter, join } from "node:path";
import { readConfigFile } from "./readConfigFile.js";

/**
 * Every setting Hearth reads, declared once: its environment variable, default and meaning.
 * `--help`, the README and the startup log print from this table, so none can drift.
 */
export interface Setting<T> {
	/** Environment variable that sets it. */
	env: string;
	/** Default, computed lazily where it depends on the machine. */
	default: () => T;
	/** Human-readable default for help texts. */
	defaultText: string;
	description: string;
	/** Parses the raw environment value; throws a one-line error on bad input. */
	parse: (raw: string) => T;
	/** Key in config.json that sets it when the environment does not. */
	configKey?: "modelsDirs" | "otherApps" | "host" | "port" | "apiKey" | "cors" | "allowedHosts" | "embeddingModel";
}

export type GpuSetting = "auto" | "off" | "cuda" | "vulkan" | "metal";
export type FlashAttentionSetting = "auto" | "on" | "off";
export type PromptLookupSetting = boolean | "auto";
export type LogLevel = "error" | "warn" | "info" | "debug";

function oneOf<T extends string>(name: string, values: readonly T[]): (raw: string) => T {
	return (raw) => {
		const v = raw.trim().toLowerCase() as T;
		if (!values.includes(v)) throw new Error(`${name} must be one of ${values.join(", ")}; got "${raw}"`);
		return v;
	};
}

function commaList(raw: string): string[] {
	return raw
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean);
}

function positiveInteger(name: string): (raw: string) => number {
	return (raw) => {
		const n = Number(raw);
		if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer; got "${raw}"`);
		return n;
	};
}

function wholeNumber(name: string): (raw: string) => number {
	return (raw) => {
		const n = Number(raw);
		if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number; got "${raw}"`);
		return n;
	};
}

export const settings = {
	home: {
		env: "HEARTH_HOME",
		default: () => join(homedir(), ".hearth"),
		defaultText: "~/.hearth",
		description: "Where Hearth keeps models (models/<publisher>/<repo>/<file>.gguf), hearth.db and config.json.",
		parse: (raw: string) => raw,
	},
	gpu: {
		env: "HEARTH_GPU",
		default: (): GpuSetting => "auto",
		defaultText: "auto",
		description: "GPU backend: auto (use a GPU when llama.cpp finds one, else the CPU), off, cuda, vulkan or metal.",
		parse: oneOf<GpuSetting>("HEARTH_GPU", ["auto", "off", "cuda", "vulkan", "metal"]),
	},
	flashAttention: {
		env: "HEARTH_FLASH_ATTENTION",
		default: (): FlashAttentionSetting => "auto",
		defaultText: "auto",
		description:
			"Flash attention: auto (measured once per model and machine at its first load, then remembered), on or off. A load request's flashAttention wins.",
		parse: oneOf<FlashAttentionSetting>("HEARTH_FLASH_ATTENTION", ["auto", "on", "off"]),
	},
	threads: {
		env: "HEARTH_THREADS",
		default: (): number | undefined => undefined,
		defaultText: "the CPU cores useful for math",
		description: "CPU threads for generation. More threads than cores makes generation many times slower.",
		parse: positiveInteger("HEARTH_THREADS"),
	},
	contextLength: {
		env: "HEARTH_CONTEXT_LENGTH",
		default: (): number => 4096,
		defaultText: "4096 (or the model's trained length if smaller)",
		description: "Context length models are loaded with unless a command or request says otherwise.",
		parse: positiveInteger("HEARTH_CONTEXT_LENGTH"),
	},
	modelsDirs: {
		env: "HEARTH_MODELS_DIRS",
		default: (): string[] => [],
		defaultText: "none",
		description: `Extra folders scanned for GGUF models, separated by "${delimiter}" (config.json: modelsDirs).`,
		parse: (raw: string) => raw.split(delimiter).filter(Boolean),
		configKey: "modelsDirs",
	},
	otherApps: {
		env: "HEARTH_OTHER_APPS",
		default: (): boolean => true,
		defaultText: "on",
		description:
			"List and load in place the models of LM Studio, Hugging Face's cache and Ollama: on or off (config.json: otherApps).",
		parse: (raw: string) =>
			["on", "1", "true"].includes(oneOf("HEARTH_OTHER_APPS", ["on", "off", "1", "0", "true", "false"])(raw)),
		configKey: "otherApps",
	},
	host: {
		env: "HEARTH_HOST",
		default: (): string => "127.0.0.1",
		defaultText: "127.0.0.1",
		description:
			"Address the server listens on (config.json: host). Anything but loopback serves the network: set HEARTH_API_KEY then.",
		parse: (raw: string) => raw.trim(),
		configKey: "host",
	},
	port: {
		env: "HEARTH_PORT",
		default: (): number => 1234,
		defaultText: "1234",
		description: "Port of the server, web UI and every API (config.json: port).",
		configKey: "port",
		parse: (raw: string) => {
			const n = Number(raw);
			if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`HEARTH_PORT must be a port number; got "${raw}"`);
			return n;
		},
	},
	apiKey: {
		env: "HEARTH_API_KEY",
		default: (): string | undefined => undefined,
		defaultText: "none",
		description:
			"When set, every request but /health must carry it (Authorization: Bearer <key> or x-api-key) (config.json: apiKey).",
		parse: (raw: string) => raw.trim(),
		configKey: "apiKey",
	},
	cors: {
		env: "HEARTH_CORS",
		default: (): string[] => [],
		defaultText: "off",
		description:
			'Origins allowed to call the API from a browser, comma-separated, or "*" for any (never with credentials) (config.json: cors).',
		configKey: "cors",
		parse: (raw: string) => commaList(raw),
	},
	allowedHosts: {
		env: "HEARTH_ALLOWED_HOSTS",
		default: (): string[] => [],
		defaultText: "none",
		description:
			"Host names a server bound to loopback answers to besides localhost, *.localhost and loopback IPs, comma-separated (a reverse proxy's name) (config.json: allowedHosts).",
		configKey: "allowedHosts",
		// Host names compare without case or a trailing dot, as the Host check parses them.
		parse: (raw: string) => commaList(raw).map((h) => h.toLowerCase().replace(/\.$/, "")),
	},
	ttlSeconds: {
		env: "HEARTH_TTL",
		default: (): number => 3600,
		defaultText: "3600",
		description: "Seconds a model loaded on demand stays in memory after its last request (a request's ttl overrides).",
		parse: (raw: string) => {
			const n = Number(raw);
			if (!Number.isInteger(n) || n < 0) throw new Error(`HEARTH_TTL must be a whole number of seconds; got "${raw}"`);
			return n;
		},
	},
	promptLookup: {
		env: "HEARTH_PROMPT_LOOKUP",
		default: (): PromptLookupSetting => "auto",
		defaultText: "auto",
		description:
			"Prompt-lookup decoding: draft tokens from the prompt where an answer repeats it (summaries, edits, code), verified in one batch; drafting rests while drafts are mostly refused. auto (on for a model on a GPU, where a longer batch costs next to nothing; off on the CPU, where it measured slower), on or off; a load's promptLookup wins.",
		parse: (raw: string): PromptLookupSetting => {
			const v = oneOf("HEARTH_PROMPT_LOOKUP", ["auto", "on", "off", "1", "0", "true", "false"])(raw);
			return v === "auto" ? "auto" : ["on", "1", "true"].includes(v);
		},
	},
	kvCacheRamMb: {
		env: "HEARTH_KV_CACHE_RAM_MB",
		default: (): number => Math.min(4096, Math.floor(totalmem() / 2 ** 20 / 10)),
		defaultText: "a tenth of the machine's RAM, at most 4096",
		description:
			"MiB of conversations' KV states kept in RAM (a tmpfs) when a sequence passes to another conversation, so its next turn evaluates only new tokens; 0 turns the RAM tier off.",
		parse: wholeNumber("HEARTH_KV_CACHE_RAM_MB"),
	},
	kvCacheDiskMb: {
		env: "HEARTH_KV_CACHE_DISK_MB",
		default: (): number => 8192,
		defaultText: "8192",
		description:
			"MiB of KV states kept under HEARTH_HOME/cache/kv beyond the RAM tier, and across restarts; 0 turns the disk tier off.",
		parse: wholeNumber("HEARTH_KV_CACHE_DISK_MB"),
	},
	maxModels: {
		env: "HEARTH_MAX_MODELS",
		default: (): number => 1,
		defaultText: "1",
		description: "Models loaded at once; loading one more unloads the least recently used idle one.",
		parse: positiveInteger("HEARTH_MAX_MODELS"),
	},
	parallel: {
		env: "HEARTH_PARALLEL",
		default: (): number => 4,
		defaultText: "4",
		description:
			"Requests one model answers at the same time, at most (sequences of one context, batched together; fewer when their KV caches would not fit in free RAM).",
		parse: positiveInteger("HEARTH_PARALLEL"),
	},
	queue: {
		env: "HEARTH_QUEUE",
		default: (): number => 32,
		defaultText: "32",
		description: "Requests that may wait for a busy model; past that the server answers 503 with Retry-After.",
		parse: positiveInteger("HEARTH_QUEUE"),
	},
	maxBodyMb: {
		env: "HEARTH_MAX_BODY_MB",
		default: (): number => 16,
		defaultText: "16",
		description: "Largest request body accepted, in MiB; larger ones get 413.",
		parse: positiveInteger("HEARTH_MAX_BODY_MB"),
	},
	allowRemoteMcp: {
		env: "HEARTH_ALLOW_REMOTE_MCP",
		default: (): boolean => false,
		defaultText: "0 (off)",
		description:
			"Let Responses API requests name remote MCP servers (tools of type mcp with a server_url), which makes Hearth connect to an address the caller chose: 1 to allow.",
		parse: (raw: string): boolean => ["1", "true", "on"].includes(raw.trim().toLowerCase()),
	},
	embeddingModel: {
		env: "HEARTH_EMBEDDING_MODEL",
		default: (): string | undefined => undefined,
		defaultText: "none",
		description:
			"Embedding model (key, short key or path) that finds the passages of an attachment too long for the context; without one such an attachment gets 400 (config.json: embeddingModel). A chat request's embeddingModel wins.",
		parse: (raw: string) => raw.trim() || undefined,
		configKey: "embeddingModel",
	},
	maxAttachmentMb: {
		env: "HEARTH_MAX_ATTACHMENT_MB",
		default: (): number => 10,
		defaultText: "10",
		description:
			"Largest attachment (PDF, DOCX, text…) read from a request, in MiB; larger ones get 400. Requests carry them in base64, within HEARTH_MAX_BODY_MB.",
		parse: positiveInteger("HEARTH_MAX_ATTACHMENT_MB"),
	},
	shutdownGraceSeconds: {
		env: "HEARTH_SHUTDOWN_GRACE",
		default: (): number => 10,
		defaultText: "10",
		description: "On SIGTERM/SIGINT, seconds in-flight requests get to finish before they are stopped.",
		parse: positiveInteger("HEARTH_SHUTDOWN_GRACE"),
	},
	serverUrl: {
		env: "HEARTH_SERVER_URL",
		default: (): string | undefined => undefined,
		defaultText: "http://127.0.0.1:<HEARTH_PORT>",
		description: "Server the CLI's ps, load, unload, server status, log stream and chat talk to.",
		parse: (raw: string) => raw.trim().replace(/\/+$/, ""),
	},
	hfEndpoint: {
		env: "HF_ENDPOINT",
		default: (): string => "https://huggingface.co",
		defaultText: "https://huggingface.co",
		description: "Hugging Face hub, or a mirror with the same API.",
		parse: (raw: string) => {
			const url = new URL(raw); // throws a one-line "Invalid URL" on garbage
			if (url.protocol !== "https:" && url.protocol !== "http:")
				throw new Error(`HF_ENDPOINT must be an http(s) URL; got "${raw}"`);
			return raw.replace(/\/+$/, "");
		},
	},
	hfToken: {
		env: "HF_TOKEN",
		default: (): string | undefined => undefined,
		defaultText: "none",
		description: "Hugging Face access token, for gated and private repos; sent to HF_ENDPOINT's host only.",
		parse: (raw: string) => raw.trim(),
	},
	downloadStallSeconds: {
		env: "HEARTH_DOWNLOAD_STALL_SECONDS",
		default: (): number => 30,
		defaultText: "30",
		description: "A download that receives nothing for this long is dropped and resumed.",
		parse: positiveInteger("HEARTH_DOWNLOAD_STALL_SECONDS"),
	},
	logLevel: {
		env: "HEARTH_LOG_LEVEL",
		default: (): LogLevel => "warn",
		defaultText: "warn",
		description: "Lowest level of log lines printed, llama.cpp's own included: error, warn, info or debug.",
		parse: oneOf<LogLevel>("HEARTH_LOG_LEVEL", ["error", "warn", "info", "debug"]),
	},
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof settings;
type SettingValue<N extends SettingName> = ReturnType<(typeof settings)[N]["default"]>;

/**
 * Reads one setting: the environment (or `env`) first, then `$HEARTH_HOME/config.json` for the
 * settings it can hold, then the default.
 */
export function readSetting<N extends SettingName>(name: N, env: NodeJS.ProcessEnv = process.env): SettingValue<N> {
	const setting = settings[name] as unknown as Setting<SettingValue<N>>;
	const raw = env[setting.env];
	if (raw !== undefined && raw !== "") return setting.parse(raw);
	if (setting.configKey) {
		const saved = readConfigFile(readSetting("home", env))[setting.configKey];
		if (saved !== undefined) return saved as SettingValue<N>;
	}
	return setting.default();
}
