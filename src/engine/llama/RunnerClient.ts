import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { LogLevel } from "../../config/settings.js";
import { InvalidModelFileError } from "../../models/InvalidModelFileError.js";
import type { GenerationChunk, LoadProgress } from "../Engine.js";
import { ContextOverflowError } from "../errors/ContextOverflowError.js";
import { DraftModelMismatchError } from "../errors/DraftModelMismatchError.js";
import { InvalidSchemaError } from "../errors/InvalidSchemaError.js";
import { ModelLoadError } from "../errors/ModelLoadError.js";
import { ModelTooLargeError } from "../errors/ModelTooLargeError.js";
import { RunnerExitedError } from "../errors/RunnerExitedError.js";
import { runnerEntry } from "./runnerEntry.js";
import type { RunnerErrorPayload, RunnerLoaded, RunnerLoadOptions, RunnerReply, RunnerRequest } from "./runnerProtocol.js";
import { TEMPLATE_LIMITS } from "./templateLimits.js";

type Reply<T extends RunnerReply["type"]> = Extract<RunnerReply, { type: T }>;
type RequestWithoutId = RunnerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Pending {
	resolve: (reply: RunnerReply) => void;
	reject: (error: Error) => void;
	onChunk?: (chunk: GenerationChunk) => void;
}

export type RunnerLog = (level: LogLevel, message: string) => void;

const STOP_GRACE_MS = 3000;

/**
 * The engine's handle on one runner child process: starts it, sends requests, routes replies and
 * streamed chunks to their callers, and fails everything in flight if the process dies.
 */
export class RunnerClient {
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;
	private exited: RunnerExitedError | undefined;
	private readonly exitListeners: ((error: RunnerExitedError) => void)[] = [];

	private constructor(
		private readonly child: ChildProcess,
		modelId: string,
		log: RunnerLog,
	) {
		child.on("message", (reply: RunnerReply) => this.receive(reply, log));
		child.on("exit", (code, signal) => {
			this.exited = new RunnerExitedError(modelId, { code, signal });
			for (const p of this.pending.values()) p.reject(this.exited);
			this.pending.clear();
			for (const listener of this.exitListeners) listener(this.exited);
		});
		// llama.cpp writes some diagnostics (and assertion failures) straight to stdio.
		for (const stream of [child.stdout, child.stderr]) {
			if (stream) createInterface({ input: stream }).on("line", (line) => line.trim() && log("warn", line));
		}
	}

	get pid(): number {
		return this.child.pid ?? -1;
	}

	/** Starts a runner and loads the model in it; rejects with the runner's reason if loading fails. */
	static async start(
		modelId: string,
		options: RunnerLoadOptions,
		log: RunnerLog,
		signal?: AbortSignal,
		onProgress?: (progress: LoadProgress) => void,
	): Promise<{ client: RunnerClient; loaded: RunnerLoaded }> {
		onProgress?.({ stage: "starting", fraction: 0 });
		const entry = runnerEntry(import.meta.url);
		const child = fork(entry.script, [], {
			// From TypeScript sources with no fresh build (tests, benchmarks): the child needs the same loader.
			execArgv: entry.execArgv,
			serialization: "advanced",
			stdio: ["ignore", "pipe", "pipe", "ipc"],
		});
		const client = new RunnerClient(child, modelId, log);
		const onAbort = () => child.kill("SIGKILL");
		signal?.addEventListener("abort", onAbort, { once: true });
		let templateTimer: NodeJS.Timeout | undefined;
		let templateHung = false;
		try {
			const reply = await new Promise<RunnerReply>((resolve, reject) => {
				child.once("exit", () =>
					reject(
						templateHung
							? new InvalidModelFileError(
									options.modelPath,
									`its chat template did not finish rendering a two-message chat in ${TEMPLATE_LIMITS.renderMs / 1000} s; the template is broken (or hostile)`,
								)
							: signal?.aborted
								? signal.reason
								: client.exited,
					),
				);
				child.on("message", (m: RunnerReply) => {
					if (m.type === "loadProgress") onProgress?.(m.progress);
					else if (m.type === "templateCheck" && m.phase === "start")
						templateTimer = setTimeout(() => {
							templateHung = true;
							child.kill("SIGKILL");
						}, TEMPLATE_LIMITS.renderMs);
					else if (m.type === "templateCheck") clearTimeout(templateTimer);
					else if (m.type === "loaded" || m.type === "loadFailed") resolve(m);
				});
				child.send({ type: "load", options } satisfies RunnerRequest);
			});
			if (reply.type === "loadFailed") {
				await client.stop();
				throw ["ModelTooLargeError", "InvalidModelFileError", "DraftModelMismatchError"].includes(reply.error.name)
					? reviveError(reply.error)
					: new ModelLoadError(options.modelPath, reply.error.message);
			}
			return { client, loaded: (reply as Reply<"loaded">).model };
		} finally {
			clearTimeout(templateTimer);
			signal?.removeEventListener("abort", onAbort);
		}
	}

	onExit(listener: (error: RunnerExitedError) => void): void {
		this.exitListeners.push(listener);
	}

	/** Sends a request and resolves with its final reply; `onChunk` receives what is streamed before it. */
	request<T extends RunnerReply["type"]>(
		request: RequestWithoutId,
		onChunk?: (chunk: GenerationChunk) => void,
		signal?: AbortSignal,
	): Promise<Reply<T>> {
		if (this.exited) return Promise.reject(this.exited);
		const id = this.nextId++;
		return new Promise<Reply<T>>((resolve, reject) => {
			const onAbort = () => this.child.connected && this.child.send({ type: "abort", id } satisfies RunnerRequest);
			signal?.addEventListener("abort", onAbort, { once: true });
			const done = () => signal?.removeEventListener("abort", onAbort);
			this.pending.set(id, {
				resolve: (reply) => {
					done();
					resolve(reply as Reply<T>);
				},
				reject: (error) => {
					done();
					reject(error);
				},
				onChunk,
			});
			this.child.send({ ...request, id } as RunnerRequest);
			if (signal?.aborted) onAbort();
		});
	}

	/** Asks the runner to free the model and exit; kills it if it does not within a grace period. */
	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = once(this.child, "exit");
		if (this.child.connected) this.child.send({ type: "shutdown" } satisfies RunnerRequest);
		const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_GRACE_MS);
		await exited;
		clearTimeout(timer);
	}

	private receive(reply: RunnerReply, log: RunnerLog): void {
		switch (reply.type) {
			case "log":
				log(reply.level, reply.message);
				return;
			case "loaded":
			case "loadFailed":
			case "loadProgress":
			case "templateCheck":
				return;
			case "chunk":
				this.pending.get(reply.id)?.onChunk?.(reply.chunk);
				return;
		}
		const pending = this.pending.get(reply.id);
		if (!pending) return;
		this.pending.delete(reply.id);
		if (reply.type === "failed") pending.reject(reviveError(reply.error));
		else pending.resolve(reply);
	}
}

/** Rebuilds a runner-side error as the same class where the engine knows it. */
function reviveError(payload: RunnerErrorPayload): Error {
	const data = payload.data ?? {};
	if (payload.name === "ContextOverflowError")
		return new ContextOverflowError(Number(data.promptTokens), Number(data.contextLength));
	if (payload.name === "InvalidModelFileError") return new InvalidModelFileError(String(data.path), String(data.reason));
	if (payload.name === "DraftModelMismatchError") return new DraftModelMismatchError(String(data.draftPath), String(data.reason));
	if (payload.name === "ModelTooLargeError") return new ModelTooLargeError(Number(data.neededBytes), Number(data.availableBytes));
	if (payload.name === "InvalidSchemaError")
		return new InvalidSchemaError(payload.message.replace(/^The JSON schema cannot be enforced: /, ""));
	// Bad values the runner found in a request (tool results without a call, tools with a format…).
	if (payload.name === "RangeError") return new RangeError(payload.message);
	const error = new Error(payload.message);
	error.name = payload.name;
	return error;
}
