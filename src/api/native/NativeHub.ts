import { z } from "zod";
import { FitVerdict } from "../FitVerdict.js";

export const HubModelView = z.object({
	id: z.string(),
	downloads: z.number(),
	likes: z.number(),
	updatedAt: z.string(),
	gated: z.boolean(),
});
export type HubModelView = z.infer<typeof HubModelView>;

/** GET /hearth/hub/files?repo=: a repo's GGUF files with fit and the recommendation. */
export const RepoFilesView = z.object({
	repo: z.string(),
	/** From the model card and the repo's page: untrusted text, to be shown as text. */
	card: z
		.object({
			summary: z.string().optional(),
			license: z.string().optional(),
			downloads: z.number(),
			likes: z.number(),
			updatedAt: z.string(),
		})
		.optional(),
	header: z
		.object({
			architecture: z.string(),
			name: z.string().optional(),
			contextLength: z.number().optional(),
			parameterCount: z.number(),
		})
		.optional(),
	files: z.array(
		z.object({
			path: z.string(),
			sizeBytes: z.number(),
			quantization: z.string().optional(),
			parts: z.array(z.object({ path: z.string(), sizeBytes: z.number(), sha256: z.string().optional() })),
			fit: FitVerdict,
			memoryBytes: z.number(),
			recommended: z.boolean(),
			downloaded: z.boolean(),
		}),
	),
});
export type RepoFilesView = z.infer<typeof RepoFilesView>;

/** POST /hearth/downloads: a file by path or quantization, else the recommended one. */
/** POST /hearth/downloads: a repo, and optionally which file or quantization (else the one recommended). */
export const DownloadRequest = z.object({ repo: z.string().min(1), file: z.string().optional(), quant: z.string().optional() });
export type DownloadRequest = z.infer<typeof DownloadRequest>;

/** POST /hearth/downloads/cancel */
export const DownloadCancelRequest = z.object({ id: z.string().min(1) });
export type DownloadCancelRequest = z.infer<typeof DownloadCancelRequest>;

export const DownloadView = z.object({
	id: z.string(),
	repo: z.string(),
	file: z.string(),
	/** "paused": a partial file from an interrupted download (also before a restart); start it again to resume. */
	state: z.enum(["downloading", "done", "failed", "cancelled", "paused"]),
	bytes: z.number(),
	totalBytes: z.number(),
	bytesPerSecond: z.number(),
	etaSeconds: z.number().optional(),
	error: z.string().optional(),
	/** The model's key once done. */
	key: z.string().optional(),
});
export type DownloadView = z.infer<typeof DownloadView>;
