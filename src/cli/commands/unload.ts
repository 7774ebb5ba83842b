import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";
import { serverClient } from "../serverClient.js";

/** `hearth unload <model>|--all`. */
export async function unloadCommand(
	model: string | undefined,
	options: { all?: boolean; server?: string },
	io: Pick<CommandIo, "stdout">,
): Promise<number> {
	if (!model && !options.all) throw new CliError("name a model to unload, or --all");
	if (model && options.all) throw new CliError("name a model or --all, not both");
	const { unloaded } = await serverClient(options.server).unload(options.all ? { all: true } : { model: model as string });
	io.stdout.write(unloaded.length ? `Unloaded ${unloaded.join(", ")}\n` : "No model was loaded.\n");
	return 0;
}
