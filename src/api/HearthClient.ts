import { z } from "zod";
import { NativeChatEvent, type NativeChatRequest, type ToolApprovalRequest } from "./native/NativeChat.js";
import { AttachmentRef, Conversation, ConversationExport, type NewMessage, StoredMessage } from "./native/NativeChats.js";
import { CompareEvent, type CompareRequest } from "./native/NativeCompare.js";
import { type DownloadRequest, DownloadView, HubModelView, RepoFilesView } from "./native/NativeHub.js";
import { McpView } from "./native/NativeMcp.js";
import {
	BenchEvent,
	type BenchRequest,
	EvalEvent,
	type EvalRequest,
	StoredBenchRunView,
	StoredEvalRunView,
} from "./native/NativeMeasure.js";
import {
	LoadedModelView,
	LoadingModelView,
	type LoadRequest,
	LocalModelView,
	type UnloadRequest,
	UnloadResponse,
} from "./native/NativeModels.js";
import { type ServerSettingsUpdate, ServerSettingsView } from "./native/NativeSettings.js";
import { LogEntry, ServerStatus } from "./native/NativeSystem.js";

/** The server is not running at the address the client was given. */
export class ServerNotRunningError extends Error {
	readonly code = "server_not_running";
	constructor(readonly url: string) {
		super(`Hearth is not running at ${url}; start it with: hearth serve (or npm start)`);
		this.name = "ServerNotRunningError";
	}
}

/** An error answer of the API, in its words. */
export class HearthApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly code: string,
	) {
		super(message);
		this.name = "HearthApiError";
	}
}

/**
 * Typed client of Hearth's native API (/hearth/*), used by the CLI and the web UI. Responses are
 * checked against the same zod schemas the server answers with. Works in Node and in browsers.
 */
export class HearthClient {
	/** `apiKey` may be a function, read on every request (the web UI keeps the key the user typed). */
	constructor(
		readonly baseUrl: string,
		private readonly apiKey?: string | (() => string | undefined),
	) {}

	/** True when a Hearth server answers /health at the base URL. */
	async isRunning(): Promise<boolean> {
		try {
			return (await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(1500) })).ok;
		} catch {
			return false;
		}
	}

	status = () => this.get("/hearth/status", ServerStatus);
	models = () => this.get("/hearth/models", LocalModelView.array());
	loaded = () => this.get("/hearth/models/loaded", LoadedModelView.array());
	loading = () => this.get("/hearth/models/loading", LoadingModelView.array());
	load = (request: LoadRequest) => this.send("POST", "/hearth/models/load", request, LoadedModelView);
	unload = (request: UnloadRequest) => this.send("POST", "/hearth/models/unload", request, UnloadResponse);
	deleteModel = (key: string) => this.send("DELETE", `/hearth/models?model=${encodeURIComponent(key)}`, undefined, undefined);
	searchHub = (query: string, options: { sort?: string; limit?: number } = {}) =>
		this.get(
			`/hearth/hub/search?q=${encodeURIComponent(query)}&sort=${options.sort ?? "downloads"}&limit=${options.limit ?? 20}`,
			HubModelView.array(),
		);
	repoFiles = (repo: string) => this.get(`/hearth/hub/files?repo=${encodeURIComponent(repo)}`, RepoFilesView);
	download = (request: DownloadRequest) => this.send("POST", "/hearth/downloads", request, DownloadView);
	downloads = () => this.get("/hearth/downloads", DownloadView.array());
	cancelDownload = (id: string) => this.send("POST", "/hearth/downloads/cancel", { id }, DownloadView);
	settings = () => this.get("/hearth/settings", ServerSettingsView);
	updateSettings = (update: ServerSettingsUpdate) => this.send("PUT", "/hearth/settings", update, ServerSettingsView);
	logs = () => this.get("/hearth/logs", LogEntry.array());
	chats = (search?: string) => this.get(`/hearth/chats${search ? `?q=${encodeURIComponent(search)}` : ""}`, Conversation.array());
	createChat = (fields: Partial<Pick<Conversation, "title" | "model" | "systemPrompt" | "settings">> = {}) =>
		this.send("POST", "/hearth/chats", fields, Conversation);
	chatWithMessages = (id: string) =>
		this.get(`/hearth/chats/${id}`, z.object({ conversation: Conversation, messages: StoredMessage.array() }));
	updateChat = (id: string, fields: Partial<Pick<Conversation, "title" | "model" | "systemPrompt" | "settings">>) =>
		this.send("PATCH", `/hearth/chats/${id}`, fields, Conversation);
	deleteChat = (id: string) => this.send("DELETE", `/hearth/chats/${id}`, undefined, undefined);
	appendMessage = (id: string, message: NewMessage) => this.send("POST", `/hearth/chats/${id}/messages`, message, StoredMessage);
	rewriteMessage = (id: string, messageId: string, content?: string) =>
		this.send("POST", `/hearth/chats/${id}/rewrite`, { messageId, content }, StoredMessage.array());
	branchChat = (id: string, messageId: string) => this.send("POST", `/hearth/chats/${id}/branch`, { messageId }, Conversation);
	exportChat = (id: string) => this.get(`/hearth/chats/${id}/export`, ConversationExport);
	importChat = (data: ConversationExport) => this.send("POST", "/hearth/chats/import", data, Conversation);

	benchRuns = (model?: string) =>
		this.get(`/hearth/bench/runs${model ? `?model=${encodeURIComponent(model)}` : ""}`, StoredBenchRunView.array());
	evalRuns = (set?: string) =>
		this.get(`/hearth/evals${set ? `?set=${encodeURIComponent(set)}` : ""}`, StoredEvalRunView.array());

	/** A benchmark with a preset, as progress events and then the report. */
	bench(request: z.input<typeof BenchRequest>, signal?: AbortSignal): AsyncGenerator<BenchEvent> {
		return this.events("POST", "/hearth/bench", request, BenchEvent, signal);
	}

	/** An eval run, as progress events and then the report. */
	evaluate(request: EvalRequest, signal?: AbortSignal): AsyncGenerator<EvalEvent> {
		return this.events("POST", "/hearth/evals", request, EvalEvent, signal);
	}

	/** The same messages to 2–4 columns, as column-tagged chat events. */
	compare(request: CompareRequest, signal?: AbortSignal): AsyncGenerator<CompareEvent> {
		return this.events("POST", "/hearth/compare", request, CompareEvent, signal);
	}

	/** Live log lines, the last 100 first, until `signal` aborts. */
	logStream(signal?: AbortSignal): AsyncGenerator<LogEntry> {
		return this.events("GET", "/hearth/logs/stream", undefined, LogEntry, signal);
	}

	/** Download progress events until `signal` aborts. */
	downloadEvents(signal?: AbortSignal): AsyncGenerator<DownloadView> {
		return this.events("GET", "/hearth/downloads/events", undefined, DownloadView, signal);
	}

	mcp = () => this.get("/hearth/mcp", McpView);
	/** Saves a new mcp.json (the server checks it first) and restarts its servers. */
	saveMcp = (config: unknown) => this.send("PUT", "/hearth/mcp", config, McpView);

	/** The user's word on a tool call a chat waits for. */
	approveToolCall = (request: ToolApprovalRequest) => this.send("POST", "/hearth/chat/approvals", request, undefined);

	/** A chat answer as events: start, reasoning and fragments, then done with stats (or an error event). */
	chat(request: NativeChatRequest, signal?: AbortSignal): AsyncGenerator<NativeChatEvent> {
		return this.events("POST", "/hearth/chat", request, NativeChatEvent, signal);
	}

	/**
	 * Sends a file to be read and kept (POST /hearth/attachments): its reference, with its length in
	 * `model`'s tokens when a model is named, for a chat message to carry.
	 */
	async uploadAttachment(file: Blob & { name: string }, model?: string): Promise<AttachmentRef> {
		const query = `name=${encodeURIComponent(file.name)}${model ? `&model=${encodeURIComponent(model)}` : ""}`;
		const response = await this.request("POST", `/hearth/attachments?${query}`, file);
		return AttachmentRef.parse(await response.json());
	}

	private get<T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>> {
		return this.send("GET", path, undefined, schema);
	}

	private async send<T extends z.ZodType>(
		method: string,
		path: string,
		body: unknown,
		schema: T | undefined,
	): Promise<z.infer<T>> {
		const response = await this.request(method, path, body);
		const json = await response.json();
		return (schema ? schema.parse(json) : json) as z.infer<T>;
	}

	private async *events<T extends z.ZodType>(
		method: string,
		path: string,
		body: unknown,
		schema: T,
		signal?: AbortSignal,
	): AsyncGenerator<z.infer<T>> {
		const response = await this.request(method, path, body, signal);
		if (!response.body) return;
		const reader = response.body.getReader();
		const decoder = new TextDecoder();
		let buffered = "";
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) return;
				buffered += decoder.decode(value, { stream: true });
				const events = buffered.split("\n\n");
				buffered = events.pop() ?? "";
				for (const event of events) if (event.startsWith("data: ")) yield schema.parse(JSON.parse(event.slice(6)));
			}
		} finally {
			await reader.cancel().catch(() => {});
		}
	}

	private async request(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
		const key = typeof this.apiKey === "function" ? this.apiKey() : this.apiKey;
		let response: Response;
		try {
			response = await fetch(`${this.baseUrl}${path}`, {
				method,
				headers: {
					// A file goes as itself, with its own media type; anything else as JSON.
					...(body === undefined
						? {}
						: { "content-type": body instanceof Blob ? body.type || "application/octet-stream" : "application/json" }),
					...(key ? { authorization: `Bearer ${key}` } : {}),
				},
				body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
				signal,
			});
		} catch (error) {
			if (signal?.aborted) throw error;
			throw new ServerNotRunningError(this.baseUrl);
		}
		if (!response.ok) {
			const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string; code?: string } | string };
			const error = typeof payload.error === "string" ? { message: payload.error } : (payload.error ?? {});
			throw new HearthApiError(
				response.status,
				error.message ?? `HTTP ${response.status}`,
				(error as { code?: string }).code ?? "error",
			);
		}
		return response;
	}
}
