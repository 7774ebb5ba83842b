import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { writeFileAtomically } from "../../util/writeFileAtomically.js";
import type { DecodePause } from "./DecodePause.js";

/** Where saved states go and how much each tier may hold; a tier without a folder or budget is off. */
export interface KvCacheOptions {
	/** Folder on a RAM-backed file system (/dev/shm): fast, kept until the machine restarts. */
	ramDir?: string;
	/** Folder under HEARTH_HOME: what the RAM tier cannot hold. */
	diskDir?: string;
	ramBudgetBytes: number;
	diskBudgetBytes: number;
}

type Tier = "ram" | "disk";

interface SavedState {
	/** Hash of the tokens: the files' name. */
	id: string;
	tokens: readonly Token[];
	bytes: number;
	tier: Tier;
	lastUsed: number;
	/** Restores reading its file now: it is neither moved nor removed meanwhile. */
	readers: number;
}

/** Fewer tokens are evaluated again faster than their state is written and read back. */
export const MIN_STATE_TOKENS = 32;

const TIERS: readonly Tier[] = ["ram", "disk"];

/**
 * KV states of sequences, kept when a sequence passes to another conversation and restored when
 * that conversation comes back, so its next turn evaluates only the new tokens (on a CPU, a
 * 2,000-token history is over a minute of prompt processing; its state is read back in well under a
 * second). node-llama-cpp saves and loads a sequence's state only as a file: the RAM tier is a
 * folder on a tmpfs, the disk tier one under HEARTH_HOME; least recently used states move from RAM
 * to disk and then go. A state's file holds its tokens; each also has a `.json` with them, written
 * after the state is complete, so a state cut short by a crash is never listed. The folders are
 * per model file, engine build and attention layout (the caller's key): a state made by another
 * model could crash llama.cpp, so none is ever offered one.
 */
export class KvStateCache {
	private readonly states = new Map<string, SavedState>();
	private housekeeping: Promise<void> = Promise.resolve();

	private constructor(
		private readonly options: KvCacheOptions,
		private readonly log: (message: string) => void,
	) {}

	/** The cache with what earlier processes left in its folders. */
	static async open(options: KvCacheOptions, log: (message: string) => void): Promise<KvStateCache> {
		const cache = new KvStateCache(options, log);
		for (const tier of TIERS) await cache.scan(tier);
		return cache;
	}

	get size(): number {
		return this.states.size;
	}

	/**
	 * Before `sequence` runs `prompt`, of which it holds the first `cached` tokens: keeps a worthwhile
	 * part of what it holds that the prompt would erase, and loads a saved state that shares at least
	 * MIN_STATE_TOKENS more of the prompt. Returns the prompt tokens the sequence holds now.
	 */
	async prepare(sequence: LlamaContextSequence, prompt: readonly Token[], cached: number, pause: DecodePause): Promise<number> {
		const keep = Math.min(cached, prompt.length - 1);
		const best = this.best(prompt, sequence.contextSize);
		const during = <T>(work: () => Promise<T>) => pause.during(work);
		if (sequence.nextTokenIndex - keep >= MIN_STATE_TOKENS) await this.save(sequence, during);
		if (best === undefined || best.reused < keep + MIN_STATE_TOKENS) return cached;
		return (await this.restore(best.state, sequence, during)) ? best.reused : 0;
	}

	/** Keeps what each sequence holds (at unload, for the next load), for at most `withinMs`. */
	async saveAll(sequences: readonly LlamaContextSequence[], withinMs: number): Promise<void> {
		const deadline = performance.now() + withinMs;
		for (const sequence of sequences) {
			if (performance.now() > deadline) break;
			await this.save(sequence, (work) => work());
		}
		await Promise.race([this.housekeeping, new Promise((resolve) => setTimeout(resolve, deadline - performance.now()))]);
	}

	/** The saved state that shares the longest prefix with `prompt` and fits a sequence of `capacity` tokens. */
	private best(prompt: readonly Token[], capacity: number): { state: SavedState; reused: number } | undefined {
		let best: { state: SavedState; reused: number } | undefined;
		for (const state of this.states.values()) {
			if (state.tokens.length > capacity) continue;
			// At least the prompt's last token is evaluated, for the first prediction.
			const limit = Math.min(state.tokens.length, prompt.length - 1);
			let reused = 0;
			while (reused < limit && state.tokens[reused] === prompt[reused]) reused++;
			if (reused > (best?.reused ?? 0)) best = { state, reused };
		}
		return best;
	}

	private async save(sequence: LlamaContextSequence, during: <T>(work: () => Promise<T>) => Promise<T>): Promise<void> {
		const tokens = sequence.contextTokens;
		if (tokens.length < MIN_STATE_TOKENS) return;
		const id = idOf(tokens);
		const known = this.states.get(id);
		if (known) {
			known.lastUsed = Date.now();
			return;
		}
		const tier = TIERS.find((t) => this.dirOf(t) !== undefined && this.budgetOf(t) > 0);
		const dir = tier && this.dirOf(tier);
		if (!tier || !dir) return;
		const started = performance.now();
		try {
			await mkdir(dir, { recursive: true });
			const { fileSize } = await during(() => sequence.saveStateToFile(join(dir, `${id}.kv`)));
			writeFileAtomically(join(dir, `${id}.json`), JSON.stringify({ tokens }));
			this.states.set(id, { id, tokens, bytes: fileSize, tier, lastUsed: Date.now(), readers: 0 });
			this.log(
				`kept the KV state of ${tokens.length} tokens (${mib(fileSize)}, ${tier}) in ${Math.round(performance.now() - started)} ms`,
			);
		} catch (error) {
			this.log(`could not keep a KV state (${messageOf(error)}); the request goes on`);
			await removeFiles(dir, id);
			return;
		}
		this.keepToBudgets();
	}

	/** Loads `state` into `sequence`; false, with the state forgotten and the sequence emptied, when it did not load as saved. */
	private async restore(
		state: SavedState,
		sequence: LlamaContextSequence,
		during: <T>(work: () => Promise<T>) => Promise<T>,
	): Promise<boolean> {
		const dir = this.dirOf(state.tier) as string;
		const started = performance.now();
		state.readers++;
		try {
			// Emptied first: node-llama-cpp forgets the sequence's tokens before its native load and
			// erases nothing, so a load that fails would leave llama.cpp holding the old tokens where
			// node-llama-cpp counts none, and the next decode fails (see docs/engine-notes.md).
			await during(() => sequence.clearHistory());
			await during(() => sequence.loadStateFromFile(join(dir, `${state.id}.kv`), { acceptRisk: true }));
			const held = sequence.contextTokens;
			if (!sameTokens(held, state.tokens)) throw new Error(`its file held ${held.length} other tokens`);
			state.lastUsed = Date.now();
			await utimes(join(dir, `${state.id}.json`), new Date(), new Date()).catch(() => {});
			this.log(`restored the KV state of ${held.length} tokens (${state.tier}) in ${Math.round(performance.now() - started)} ms`);
			return true;
		} catch (error) {
			this.log(`discarded a saved KV state: ${messageOf(error)}`);
			await during(() => sequence.clearHistory()).catch(() => {});
			this.states.delete(state.id);
			await removeFiles(dir, state.id);
			return false;
		} finally {
			state.readers--;
		}
	}

	/** Moves least recently used states from RAM to disk, and off the disk, until each tier is within its budget. */
	private keepToBudgets(): void {
		this.housekeeping = this.housekeeping
			.then(async () => {
				for (const tier of TIERS) {
					for (;;) {
						const inTier = [...this.states.values()].filter((s) => s.tier === tier);
						if (inTier.reduce((sum, s) => sum + s.bytes, 0) <= this.budgetOf(tier)) break;
						const oldest = inTier.filter((s) => s.readers === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
						if (!oldest) break;
						if (tier === "ram" && this.dirOf("disk") && oldest.bytes <= this.budgetOf("disk")) await this.moveToDisk(oldest);
						else await this.forget(oldest);
					}
				}
			})
			.catch((error: unknown) => this.log(`KV state housekeeping failed: ${messageOf(error)}`));
	}

	private async moveToDisk(state: SavedState): Promise<void> {
		const from = this.dirOf("ram") as string;
		const to = this.dirOf("disk") as string;
		try {
			await mkdir(to, { recursive: true });
			await copyFile(join(from, `${state.id}.kv`), join(to, `${state.id}.kv.partial`));
			await rename(join(to, `${state.id}.kv.partial`), join(to, `${state.id}.kv`));
			writeFileAtomically(join(to, `${state.id}.json`), JSON.stringify({ tokens: state.tokens }));
		} catch (error) {
			this.log(`could not move a KV state to disk (${messageOf(error)}); it is dropped`);
			await removeFiles(to, state.id);
			await this.forget(state);
			return;
		}
		state.tier = "disk";
		await removeFiles(from, state.id);
	}

	private async forget(state: SavedState): Promise<void> {
		this.states.delete(state.id);
		await removeFiles(this.dirOf(state.tier) as string, state.id);
	}

	/** Lists a tier's complete states; removes what is not one (cut short, or not named after its tokens). */
	private async scan(tier: Tier): Promise<void> {
		const dir = this.dirOf(tier);
		if (!dir) return;
		let names: string[];
		try {
			names = await readdir(dir);
		} catch {
			return; // nothing kept yet
		}
		for (const name of names.filter((n) => n.endsWith(".json"))) {
			const id = name.slice(0, -".json".length);
			try {
				const { tokens } = JSON.parse(await readFile(join(dir, name), "utf8")) as { tokens?: unknown };
				if (!isTokenList(tokens) || idOf(tokens) !== id) throw new Error("not the tokens it is named after");
				const [state, meta] = await Promise.all([stat(join(dir, `${id}.kv`)), stat(join(dir, name))]);
				if (!this.states.has(id))
					this.states.set(id, { id, tokens, bytes: state.size, tier, lastUsed: meta.mtimeMs, readers: 0 });
			} catch {
				await removeFiles(dir, id);
			}
		}
		for (const name of names.filter((n) => !n.endsWith(".json"))) {
			const id = name.split(".")[0] ?? "";
			if (name !== `${id}.kv` || this.states.get(id)?.tier !== tier) await unlink(join(dir, name)).catch(() => {});
		}
		this.keepToBudgets();
	}

	private dirOf(tier: Tier): string | undefined {
		return tier === "ram" ? this.options.ramDir : this.options.diskDir;
	}

	private budgetOf(tier: Tier): number {
		return tier === "ram" ? this.options.ramBudgetBytes : this.options.diskBudgetBytes;
	}
}

function idOf(tokens: readonly Token[]): string {
	return createHash("sha256")
		.update(new Uint8Array(new Uint32Array(tokens).buffer))
		.digest("hex")
		.slice(0, 32);
}

function sameTokens(a: readonly Token[], b: readonly Token[]): boolean {
	return a.length === b.length && a.every((t, i) => t === b[i]);
}

function isTokenList(value: unknown): value is Token[] {
	return Array.isArray(value) && value.every((t) => Number.isInteger(t) && t >= 0);
}

async function removeFiles(dir: string, id: string): Promise<void> {
	for (const suffix of [".kv", ".json", ".kv.partial"]) await unlink(join(dir, `${id}${suffix}`)).catch(() => {});
}

function mib(bytes: number): string {
	return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
