import { type ImportMode, importModel } from "../../models/importModel.js";
import { ModelStore } from "../../models/ModelStore.js";
import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";

export interface ImportCommandOptions {
	copy?: boolean;
	hardlink?: boolean;
	symlink?: boolean;
	move?: boolean;
	repo?: string;
	dryRun?: boolean;
	json?: boolean;
}

/** `hearth import <path>`: files a GGUF into Hearth's folder as `<publisher>/<repo>/<file>`. */
export async function importCommand(path: string, options: ImportCommandOptions, io: Pick<CommandIo, "stdout">): Promise<number> {
	const modes = (["copy", "hardlink", "symlink", "move"] as const).filter((m) => options[m]);
	if (modes.length > 1) throw new CliError(`choose one of --${modes.join(", --")}`);
	const mode: ImportMode = modes[0] ?? "auto";
	const store = new ModelStore();
	const result = await importModel(store.modelsDir, path, { mode, repo: options.repo, dryRun: options.dryRun });
	if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
	else {
		const verb = { copy: "copy", hardlink: "hard-link", symlink: "symlink", move: "move" }[result.mode];
		for (const f of result.files) io.stdout.write(`${result.dryRun ? `would ${verb}` : `${verb}:`} ${f.from} → ${f.to}\n`);
		io.stdout.write(`${result.dryRun ? "Would import" : "Imported"} as ${result.key}\n`);
	}
	return 0;
}
