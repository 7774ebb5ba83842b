/**
 * Entry point of a runner child process: holds one model and answers the engine over IPC. A native
 * crash here ends this process only; the engine reports it and the server lives on.
 */
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import type { LogLevel } from "../../config/settings.js";
import { machineMemory } from "../../models/fit/machineMemory.js";
import { ModelTooLargeError } from "../errors/ModelTooLargeError.js";
import { RunnerModel } from "./RunnerModel.js";
import type { RunnerErrorPayload, RunnerReply, RunnerRequest } from "./runnerProtocol.js";
import { trialRenderTemplate } from "./trialRenderTemplate.js";

const send = (reply: RunnerReply) => process.send?.(reply);
const aborts = new Map<number, AbortController>();
const running = new Set<Promise<unknown>>();
let model: RunnerModel | undefined;

const LEVELS: Record<LogLevel, LlamaLogLevel> = {
	error: LlamaLogLevel.error,
	warn: LlamaLogLevel.warn,
	info: LlamaLogLevel.info,
	debug: LlamaLogLevel.debug,
};

function toLogLevel(level: LlamaLogLevel): LogLevel {
	switch (level) {
		case LlamaLogLevel.fatal:
		case LlamaLogLevel.error:
			return "error";
		case LlamaLogLevel.warn:
			return "warn";
		case LlamaLogLevel.info:
			return "info";
		default:
			return "debug";
	}
}

function errorPayload(error: unknown): RunnerErrorPayload {
	if (!(error instanceof Error)) return { name: "Error", message: String(error) };
	const data: Record<string, number | string> = {};
	for (const [key, value] of Object.entries(error)) if (typeof value === "number" || typeof value === "string") data[key] = value;
	return { name: error.name, message: error.message, data };
}

async function handle(request: RunnerRequest): Promise<void> {
	switch (request.type) {
		case "load": {
			try {
				const { options } = request;
				if (options.chatTemplate) {
					send({ type: "templateCheck", phase: "start" });
					trialRenderTemplate(options.modelPath, options.chatTemplate.template, options.chatTemplate);
					send({ type: "templateCheck", phase: "done" });
				}
				const llama = await getLlama({
					gpu: options.gpu === "off" ? false : options.gpu,
					build: "never",
					// node-llama-cpp defaults to at least 4 threads; on a 2-core machine that is 48× slower.
					maxThreads: options.threads,
					logLevel: LEVELS[options.logLevel],
					logger: (level, message) => {
						const text = message.trimEnd();
						if (text) send({ type: "log", level: toLogLevel(level), message: text });
					},
				});
				if (options.threads === undefined) llama.maxThreads = llama.cpuMathCores;
				// With a GPU, node-llama-cpp fits layers to free VRAM itself; on the CPU, RAM is the limit.
				const available = machineMemory().ramAvailableBytes;
				if (llama.gpu === false && options.requiredRamBytes !== undefined && options.requiredRamBytes > available)
					throw new ModelTooLargeError(options.requiredRamBytes, available);
				model = await RunnerModel.load(
					llama,
					options,
					(progress) => send({ type: "loadProgress", progress }),
					(message) => send({ type: "log", level: "info", message }),
				);
				send({ type: "loaded", model: model.info });
			} catch (error) {
				send({ type: "loadFailed", error: errorPayload(error) });
			}
			return;
		}
		case "shutdown":
			// Stop what is generating and let it settle before the model goes: disposing under a
			// running generation throws inside node-llama-cpp.
			for (const controller of aborts.values()) controller.abort();
			await Promise.allSettled(running);
			await model?.dispose().catch(() => {});
			process.exit(0);
			return;
		case "abort":
			aborts.get(request.id)?.abort();
			return;
	}
	const id = request.id;
	try {
		if (!model) throw new Error("no model is loaded in this runner");
		switch (request.type) {
			case "generate": {
				const controller = new AbortController();
				aborts.set(id, controller);
				const generation = model.generate(request.input, request.sampling, controller.signal, (chunk) =>
					send({ type: "chunk", id, chunk }),
				);
				running.add(generation);
				try {
					send({ type: "generated", id, result: await generation });
				} finally {
					aborts.delete(id);
					running.delete(generation);
				}
				return;
			}
			case "render": {
				const { stopTriggers: _, ...prompt } = model.render(request.messages, request.tools);
				send({ type: "rendered", id, prompt });
				return;
			}
			case "tokenize":
				send({ type: "tokens", id, tokens: model.tokenize(request.text, request.special) });
				return;
			case "embed":
				send({ type: "embeddings", id, vectors: await model.embed(request.inputs) });
				return;
			case "rank":
				send({ type: "ranking", id, scores: await model.rank(request.query, request.documents) });
				return;
			case "kvUse":
				send({ type: "kvUse", id, use: model.kvCacheUse() });
				return;
			case "vram":
				send({ type: "vram", id, usedBytes: await model.vramUsedBytes() });
				return;
			case "nextTokens": {
				const probabilities = await model.nextTokenProbabilities(request.prompt, request.tokens);
				send({ type: "nextTokenProbabilities", id, probabilities });
				return;
			}
		}
	} catch (error) {
		send({ type: "failed", id, error: errorPayload(error) });
	}
}

process.on("message", (request: RunnerRequest) => void handle(request));
// The engine went away (crashed or killed): nothing left to serve.
process.on("disconnect", () => process.exit(0));
