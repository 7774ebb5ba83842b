import { HubClient, type HubSort } from "../../hub/HubClient.js";
import type { CommandIo } from "../CommandIo.js";
import { formatTable } from "../formatTable.js";

/** `hearth search <query>`: GGUF model repos on Hugging Face. */
export async function searchCommand(
	query: string,
	options: { sort?: HubSort; limit?: number; json?: boolean },
	io: Pick<CommandIo, "stdout">,
): Promise<number> {
	const models = await new HubClient().search(query, { sort: options.sort, limit: options.limit });
	if (options.json) {
		io.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
		return 0;
	}
	if (models.length === 0) {
		io.stdout.write(`No GGUF models match "${query}".\n`);
		return 0;
	}
	const rows = models.map((m) => [
		m.id + (m.gated ? " (gated)" : ""),
		m.downloads.toLocaleString("en-US"),
		m.likes.toLocaleString("en-US"),
		m.updatedAt.slice(0, 10),
	]);
	io.stdout.write(formatTable(["REPO", "DOWNLOADS", "LIKES", "UPDATED"], rows));
	io.stdout.write(`\nSee a repo's files and which fit this machine: hearth get <repo>\n`);
	return 0;
}
