import { parentPort, workerData } from "node:worker_threads";
import { DocumentError } from "./DocumentError.js";
import type { DocumentKind } from "./documentKind.js";
import { extractDocument } from "./extractDocument.js";

/** A worker thread that extracts one document's text and posts it back (see DocumentExtractor). */
const { name, kind, bytes } = workerData as { name: string; kind: DocumentKind; bytes: Uint8Array };
extractDocument(name, kind, bytes).then(
	(result) => parentPort?.postMessage({ ok: true, result }),
	(error: unknown) =>
		parentPort?.postMessage({
			ok: false,
			code: error instanceof DocumentError ? error.code : "invalid_document",
			message: error instanceof Error ? error.message : String(error),
		}),
);
