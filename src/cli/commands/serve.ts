import { spawn } from "node:child_process";
import { startServer } from "../../server/startServer.js";

/** `hearth serve`: runs until SIGTERM or Ctrl+C, then shuts down gracefully and exits 0. */
export async function serveCommand(options: {
	host?: string;
	port?: number;
	apiKey?: string;
	cors?: string;
	open?: boolean;
}): Promise<number> {
	const server = await startServer({
		host: options.host,
		port: options.port,
		apiKey: options.apiKey,
		corsOrigins: options.cors
			?.split(",")
			.map((s) => s.trim())
			.filter(Boolean),
	});
	if (options.open) openBrowser(server.url);
	await new Promise<void>((resolve) => {
		const stop = () => {
			process.stderr.write("Stopping: finishing requests in flight, unloading models…\n");
			void server.close().then(resolve);
		};
		process.once("SIGTERM", stop);
		process.once("SIGINT", stop);
	});
	return 0;
}

/** Opens the UI in the default browser; failing to is not an error (a server has no desktop). */
function openBrowser(url: string): void {
	const [command, args] =
		process.platform === "darwin"
			? ["open", [url]]
			: process.platform === "win32"
				? ["cmd", ["/c", "start", "", url]]
				: ["xdg-open", [url]];
	try {
		spawn(command, args, { detached: true, stdio: "ignore" })
			.on("error", () => process.stderr.write(`Open ${url} in a browser.\n`))
			.unref();
	} catch {
		process.stderr.write(`Open ${url} in a browser.\n`);
	}
}
