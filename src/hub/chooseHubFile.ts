import type { HubFileWithFit } from "./repoFilesWithFit.js";

export class NoSuchHubFileError extends Error {
	readonly code = "no_such_file";
	constructor(message: string) {
		super(message);
		this.name = "NoSuchHubFileError";
	}
}

/** The file asked for by name or quantization, else the one recommended for this machine. */
export function chooseHubFile(files: HubFileWithFit[], repo: string, wanted: { quant?: string; file?: string }): HubFileWithFit {
	if (files.length === 0) throw new NoSuchHubFileError(`${repo} has no GGUF model files`);
	if (wanted.file) {
		const match = files.find((f) => f.path === wanted.file || f.parts.some((p) => p.path === wanted.file));
		if (!match)
			throw new NoSuchHubFileError(`${repo} has no GGUF file ${wanted.file}; it has ${files.map((f) => f.path).join(", ")}`);
		return match;
	}
	if (wanted.quant) {
		const match = files.find((f) => f.quantization?.toLowerCase() === wanted.quant?.toLowerCase());
		if (!match)
			throw new NoSuchHubFileError(
				`${repo} has no ${wanted.quant} file; quantizations: ${files.map((f) => f.quantization ?? "?").join(", ")}`,
			);
		return match;
	}
	const recommended = files.find((f) => f.recommended);
	if (!recommended)
		throw new NoSuchHubFileError(`no file of ${repo} fits this machine's free memory; name one to download it anyway`);
	return recommended;
}
