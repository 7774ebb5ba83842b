import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Another server already serves this HEARTH_HOME. */
export class HomeInUseError extends Error {
	readonly code = "home_in_use";
	constructor(home: string, pid: number, url: string | undefined) {
		super(
			`Hearth (pid ${pid}) already serves ${home}${url ? ` at ${url}` : ""}; stop it first, or give this server its own HEARTH_HOME`,
		);
		this.name = "HomeInUseError";
	}
}

/** The claim a running server holds on its home, in `$HEARTH_HOME/server.json`. */
export interface HomeClaim {
	/** Records the address once the server listens, for the message a second server prints. */
	setUrl(url: string): void;
	release(): void;
}

/**
 * One server per home: two would share hearth.db, config.json, downloads and the KV cache files
 * without knowing of each other. The claim is created exclusively (O_EXCL), so two servers
 * starting at once cannot both win; a claim whose process is gone (a crash, a kill -9) is stale and
 * taken over. The CLI does not claim: its writes wait on SQLite's lock instead.
 */
export function claimHome(home: string): HomeClaim {
	const path = join(home, "server.json");
	const write = (url?: string, flag = "w") => writeFileSync(path, JSON.stringify({ pid: process.pid, url }), { flag });
	for (let attempt = 0; ; attempt++) {
		try {
			write(undefined, "wx");
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
			const holder = readHolder(path);
			if (holder && isAlive(holder.pid)) throw new HomeInUseError(home, holder.pid, holder.url);
			rmSync(path, { force: true });
		}
	}
	let released = false;
	return {
		setUrl: (url) => write(url),
		release: () => {
			if (released) return;
			released = true;
			if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
		},
	};
}

function readHolder(path: string): { pid: number; url?: string } | undefined {
	try {
		const saved = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown; url?: unknown };
		return typeof saved.pid === "number"
			? { pid: saved.pid, url: typeof saved.url === "string" ? saved.url : undefined }
			: undefined;
	} catch {
		return undefined;
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, under another user.
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}
