import type { MemoryEstimate } from "../models/fit/estimateMemory.js";
import { withWeights } from "../models/fit/estimateMemory.js";
import { type FitVerdict, fitVerdict } from "../models/fit/fitVerdict.js";
import type { MachineMemory } from "../models/fit/machineMemory.js";
import { recommendQuantization } from "../models/fit/recommendQuantization.js";
import type { HubClient, HubFile, RemoteHeader } from "./HubClient.js";

export interface HubFileWithFit extends HubFile {
	estimate: MemoryEstimate;
	fit: FitVerdict;
	recommended: boolean;
}

export interface RepoFiles {
	repo: string;
	/** Read from one file's header; the others are the same model at other quantizations. */
	header?: RemoteHeader;
	files: HubFileWithFit[];
}

/**
 * A repo's GGUF files with a memory estimate and fit verdict each, and the one to recommend. One
 * remote header is read (the smallest file's); the context cost it gives holds for every
 * quantization of the model, and each file's weights scale with its size.
 */
export async function repoFilesWithFit(hub: HubClient, repo: string, machine: MachineMemory): Promise<RepoFiles> {
	const files = await hub.files(repo);
	if (files.length === 0) return { repo, files: [] };
	const probe = files[0];
	const header = await hub.header(repo, probe);
	const withEstimates = files.map((file) => {
		const estimate = withWeights(header.memory, header.memory.weightsBytes * (file.sizeBytes / probe.sizeBytes));
		return { ...file, quantization: file.quantization, estimate, fit: fitVerdict(estimate, machine), recommended: false };
	});
	const choice = recommendQuantization(
		withEstimates.map((f) => ({ ...f, quantization: f.quantization ?? "" })),
		machine,
	);
	for (const f of withEstimates) f.recommended = f.path === choice?.path;
	return { repo, header, files: withEstimates };
}
