import { createInterface } from "node:readline/promises";
import { formatBytes } from "../../api/formatBytes.js";
import { ModelStore } from "../../models/ModelStore.js";
import { deleteModel } from "../../studio/deleteModel.js";
import { CliError } from "../CliError.js";
import type { CommandIo } from "../CommandIo.js";
import { serverClient } from "../serverClient.js";

/** `hearth rm <model>`: deletes a model from Hearth's own folder, after asking unless --yes. */
export async function rmCommand(identifier: string, options: { yes?: boolean }, io: CommandIo): Promise<number> {
	const store = new ModelStore();
	const model = (await store.list()).find((m) => m.key === identifier) ?? (await store.resolve(identifier));
	if (!options.yes) {
		if (!(io.stdin as { isTTY?: boolean }).isTTY) throw new CliError("not deleting without confirmation; add --yes");
		const rl = createInterface({ input: io.stdin, output: io.stdout });
		const answer = await rl.question(
			`Delete ${model.key} (${formatBytes(model.sizeBytes)}, ${model.paths.length} file(s))? [y/N] `,
		);
		rl.close();
		if (!/^y(es)?$/i.test(answer.trim())) {
			io.stdout.write("Nothing deleted.\n");
			return 1;
		}
	}
	// A running server may have it loaded: let it unload and delete; otherwise delete here.
	const client = serverClient();
	if (await client.isRunning()) await client.deleteModel(model.key);
	else await deleteModel(store, model.key);
	io.stdout.write(`Deleted ${model.key}\n`);
	return 0;
}
