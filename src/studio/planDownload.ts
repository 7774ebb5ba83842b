import { chooseHubFile } from "../hub/chooseHubFile.js";
import type { DownloadManager } from "../hub/DownloadManager.js";
import type { HubClient } from "../hub/HubClient.js";
import type { ModelSpec } from "../hub/modelSpec.js";
import { type HubFileWithFit, type RepoFiles, repoFilesWithFit } from "../hub/repoFilesWithFit.js";
import type { MachineMemory } from "../models/fit/machineMemory.js";
import { assertSafeRelativePath, parseRepoId } from "../models/safeNames.js";

/** What a download of a named model would fetch: the repo's files with their fit, and the one chosen. */
export interface DownloadPlan {
	repo: string;
	listing: RepoFiles;
	file: HubFileWithFit;
	/** Every part of the chosen file is already in the store. */
	downloaded: boolean;
}

/**
 * Lists the repo's GGUF files with a fit verdict each and picks the one asked for (by file or
 * quantization) or the one recommended for this machine. `hearth get`, `POST /hearth/downloads`
 * and Ollama's `/api/pull` all plan here; a file or quantization the repo lacks is
 * NoSuchHubFileError (404 over HTTP).
 */
export async function planDownload(
	hub: HubClient,
	downloads: Pick<DownloadManager, "isDownloaded">,
	spec: ModelSpec,
	memory: MachineMemory,
): Promise<DownloadPlan> {
	// A name that could never be a safe file in the store is the caller's mistake (400), not a missing file.
	parseRepoId(spec.repo);
	if (spec.file !== undefined) assertSafeRelativePath(spec.file, "file name");
	const listing = await repoFilesWithFit(hub, spec.repo, memory);
	const file = chooseHubFile(listing.files, spec.repo, spec);
	return { repo: spec.repo, listing, file, downloaded: downloads.isDownloaded(spec.repo, file) };
}
