import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type ScriptEntry, scriptEntry } from "../util/scriptEntry.js";
import { DocumentError, type DocumentErrorCode } from "./DocumentError.js";
import { documentKind } from "./documentKind.js";
import type { ExtractedText } from "./extractDocument.js";

/** An attachment as a request carries it: its name, media type when given, and its bytes. */
export interface DocumentInput {
	name: string;
	mime?: string;
	data: Uint8Array;
}

export interface ExtractedDocument extends ExtractedText {
	name: string;
	sizeBytes: number;
}

export interface ExtractionLimits {
	/** Largest file accepted, in bytes. */
	maxBytes: number;
	/** Milliseconds an extraction may take before its worker is stopped. Default 30 s. */
	timeoutMs?: number;
	/** Heap of the extraction's worker, in MiB. Default 512. */
	memoryMb?: number;
}

/** Far more text than any context holds: a document past it is refused, not truncated silently. */
const MAX_TEXT_CHARS = 8 * 2 ** 20;

/**
 * The text of an attachment: its kind checked (documentKind), then read in a worker thread of its
 * own with a time and a memory limit, so an encrypted, corrupt or hostile file (a zip bomb, a PDF
 * that loops) costs one worker, never the server. Every refusal is a DocumentError.
 */
export async function extractText(input: DocumentInput, limits: ExtractionLimits): Promise<ExtractedDocument> {
	if (input.data.length > limits.maxBytes)
		throw new DocumentError(
			"document_too_large",
			`${input.name} is ${input.data.length} bytes; attachments may be at most ${limits.maxBytes} (HEARTH_MAX_ATTACHMENT_MB)`,
		);
	const kind = documentKind(input.name, input.mime, input.data);
	const entry = scriptEntry(import.meta.url, "extractWorker");
	const timeoutMs = limits.timeoutMs ?? 30_000;
	const result = await new Promise<ExtractedText>((resolve, reject) => {
		const worker = new Worker(workerScript(entry), {
			workerData: { name: input.name, kind, bytes: input.data },
			resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb ?? 512 },
			stdout: true,
			stderr: true,
		});
		let settled = false;
		const finish = (error: DocumentError | undefined, value?: ExtractedText) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			void worker.terminate();
			if (error) reject(error);
			else resolve(value as ExtractedText);
		};
		const timer = setTimeout(
			() =>
				finish(
					new DocumentError("document_timeout", `reading ${input.name} took longer than ${timeoutMs / 1000} s; it was stopped`),
				),
			timeoutMs,
		);
		worker.on(
			"message",
			(message: { ok: true; result: ExtractedText } | { ok: false; code: DocumentErrorCode; message: string }) =>
				message.ok ? finish(undefined, message.result) : finish(new DocumentError(message.code, message.message)),
		);
		worker.on("error", (error: NodeJS.ErrnoException) =>
			finish(
				error.code === "ERR_WORKER_OUT_OF_MEMORY"
					? new DocumentError("document_too_large", `reading ${input.name} needed more memory than an attachment may use`)
					: new DocumentError("invalid_document", `${input.name} could not be read: ${error.message}`),
			),
		);
		worker.on("exit", () => finish(new DocumentError("invalid_document", `${input.name} could not be read`)));
	});
	if (result.text.length > MAX_TEXT_CHARS)
		throw new DocumentError("document_too_large", `${input.name} holds more than ${MAX_TEXT_CHARS} characters of text`);
	return { ...result, name: input.name, sizeBytes: input.data.length };
}

/**
 * The worker's script: the compiled one, or from TypeScript sources (tests) a module that
 * registers tsx in the worker first — a worker takes no `--import` flag.
 */
function workerScript(entry: ScriptEntry): string | URL {
	if (entry.execArgv.length === 0) return entry.script;
	const api = pathToFileURL(
		createRequire(import.meta.url)
			.resolve("tsx/esm/api")
			.replace(/\.cjs$/, ".mjs"),
	).href;
	const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(pathToFileURL(entry.script).href)});`;
	return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
