import { startServer } from "../../server/startServer.js";

/** `hearth serve`: runs until SIGTERM or Ctrl+C, then shuts down gracefully and exits 0. */
export async function serveCommand(options: { host?: string; port?: number; apiKey?: string; cors?: string }): Promise<number> {
	const server = await startServer({
		host: options.host,
		port: options.port,
		apiKey: options.apiKey,
		corsOrigins: options.cors
			?.split(",")
			.map((s) => s.trim())
			.filter(Boolean),
	});
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
