import type { CommandIo } from "../CommandIo.js";
import { serverClient } from "../serverClient.js";

/** `hearth log stream`: the server's log as it happens, until Ctrl+C. */
export async function logStreamCommand(options: { server?: string }, io: Pick<CommandIo, "stdout">): Promise<number> {
	const controller = new AbortController();
	process.once("SIGINT", () => controller.abort());
	try {
		for await (const entry of serverClient(options.server).logStream(controller.signal))
			io.stdout.write(`${entry.time} ${entry.level.padEnd(5)} [${entry.source}] ${entry.message}\n`);
	} catch (error) {
		if (!controller.signal.aborted) throw error;
	}
	return 0;
}
