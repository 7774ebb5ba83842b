import { HearthClient } from "../api/HearthClient.js";
import { readSetting } from "../config/settings.js";

/** The client of the server this CLI talks to: --server, else HEARTH_SERVER_URL, else 127.0.0.1:<port>. */
export function serverClient(url?: string): HearthClient {
	const base = url?.replace(/\/+$/, "") ?? readSetting("serverUrl") ?? `http://127.0.0.1:${readSetting("port")}`;
	return new HearthClient(base, readSetting("apiKey"));
}
