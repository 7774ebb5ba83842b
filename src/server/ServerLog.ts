import type { LogLevel } from "../config/settings.js";

export interface LogEntry {
	time: string;
	level: LogLevel;
	/** Where it comes from: "server", "http", or a model key for llama.cpp's own lines. */
	source: string;
	message: string;
}

const ORDER: LogLevel[] = ["error", "warn", "info", "debug"];

/** The server's log: printed to stderr from a level up, kept in a ring for the log stream and the UI. */
export class ServerLog {
	private readonly ring: LogEntry[] = [];
	private readonly listeners = new Set<(entry: LogEntry) => void>();

	constructor(
		private readonly level: LogLevel,
		private readonly print: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
		private readonly capacity = 1000,
	) {}

	write(level: LogLevel, source: string, message: string): void {
		const entry: LogEntry = { time: new Date().toISOString(), level, source, message };
		this.ring.push(entry);
		if (this.ring.length > this.capacity) this.ring.shift();
		if (ORDER.indexOf(level) <= ORDER.indexOf(this.level)) this.print(`${entry.time} ${level.padEnd(5)} [${source}] ${message}`);
		for (const listener of this.listeners) listener(entry);
	}

	recent(): LogEntry[] {
		return [...this.ring];
	}

	subscribe(listener: (entry: LogEntry) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
