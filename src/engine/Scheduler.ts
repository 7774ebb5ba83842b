import { withoutUndefined } from "../util/withoutUndefined.js";
import type { CallOptions, ChatRequest, CompletionRequest, Engine, LoadedModel, LoadOptions, LoadProgress } from "./Engine.js";
import { ServerBusyError } from "./errors/ServerBusyError.js";
import type { Generation } from "./Generation.js";

export interface SchedulerOptions {
	/** Seconds a model stays loaded after its last request. Default 3600. */
	ttlSeconds: number;
	/** Models loaded at once; the least recently used idle one is unloaded to make room. Default 1. */
	maxLoadedModels: number;
	/** Sequences each model generates at once. Default 4. */
	parallel: number;
	/** Requests that may wait for a model's sequences; past it, ServerBusyError. Default 32. */
	queueLimit: number;
	/** Told about loads and unloads, for the server's log. */
	onEvent?: (message: string) => void;
	/** A model's saved load settings, applied under whatever a request asks for. */
	loadDefaults?: (key: string) => LoadOptions | undefined;
}

/** Finds a model by any identifier the store knows: its key (the id it is loaded under) and file. */
export type ModelResolver = (identifier: string) => Promise<{ key: string; path: string }>;

export interface ScheduledModel extends LoadedModel {
	/** Requests generating or waiting. */
	inFlight: number;
	/** Milliseconds since the last request ended (0 while in use). */
	idleMs: number;
	ttlSeconds: number;
	/** When the model will be unloaded if nothing uses it, as an epoch millisecond; undefined while in use. */
	expiresAt?: number;
}

/** A model on its way into memory. */
export interface LoadingModel {
	id: string;
	progress: LoadProgress;
	/** Milliseconds since the load began. */
	elapsedMs: number;
}

/** A generation the scheduler started, with the model it runs on. */
export interface Scheduled {
	model: LoadedModel;
	generation: Generation;
	/** Milliseconds this request spent loading the model (0 when it was loaded already). */
	loadMs: number;
}

interface Slot {
	model: LoadedModel;
	/** performance.now() when the load finished. */
	loadedAt: number;
	inFlight: number;
	lastUsed: number;
	ttlSeconds: number;
	timer?: NodeJS.Timeout;
}

export interface UseOptions extends CallOptions {
	/** Keep the model loaded this long after the request; 0 unloads it as soon as it is idle. */
	ttlSeconds?: number;
	/** How to load the model if it is not loaded yet. */
	load?: LoadOptions;
}

/**
 * Decides which models are in memory: loads a model just in time when a request names it, keeps
 * it while requests use it, unloads it after its idle time-to-live, evicts the least recently used
 * idle model when the limit is reached, and bounds how many requests may wait for one model.
 */
export class Scheduler {
	private readonly slots = new Map<string, Slot>();
	private readonly loading = new Map<string, Promise<Slot>>();
	private readonly waiting = new Map<string, number>();
	private readonly progress = new Map<string, { progress: LoadProgress; startedAt: number }>();

	constructor(
		readonly engine: Engine,
		private readonly resolve: ModelResolver,
		readonly options: SchedulerOptions,
	) {
		engine.onUnload((id) => this.forget(id));
	}

	chat(identifier: string, request: ChatRequest, options: UseOptions = {}): Promise<Scheduled> {
		return this.generate(identifier, options, (id) => this.engine.chat(id, request, options));
	}

	complete(identifier: string, request: CompletionRequest, options: UseOptions = {}): Promise<Scheduled> {
		return this.generate(identifier, options, (id) => this.engine.complete(id, request, options));
	}

	/** Runs `work` with the model loaded and counted as in use until it settles. */
	async use<T>(identifier: string, options: UseOptions, work: (model: LoadedModel) => Promise<T>): Promise<T> {
		const slot = await this.acquire(identifier, options);
		try {
			return await work(slot.model);
		} finally {
			this.release(slot, options.ttlSeconds);
		}
	}

	/** Loads a model now (or returns it if loaded), with these options. */
	async load(identifier: string, options: UseOptions = {}): Promise<LoadedModel> {
		const slot = await this.acquire(identifier, options);
		this.release(slot, options.ttlSeconds);
		return slot.model;
	}

	async unload(identifier: string): Promise<void> {
		const key = this.slots.has(identifier) ? identifier : (await this.resolve(identifier)).key;
		const slot = this.slots.get(key);
		if (!slot) return;
		clearTimeout(slot.timer);
		this.slots.delete(key);
		await this.engine.unload(key);
		this.options.onEvent?.(`unloaded ${key}`);
	}

	async unloadAll(): Promise<void> {
		await Promise.allSettled([...this.loading.values()]);
		await Promise.all([...this.slots.keys()].map((key) => this.unload(key)));
	}

	list(): ScheduledModel[] {
		const now = Date.now();
		return [...this.slots.values()].map((s) => ({
			...s.model,
			inFlight: s.inFlight,
			idleMs: s.inFlight > 0 ? 0 : now - s.lastUsed,
			ttlSeconds: s.ttlSeconds,
			expiresAt: s.inFlight > 0 ? undefined : s.lastUsed + s.ttlSeconds * 1000,
		}));
	}

	/** Models being loaded now, with how far each has come. */
	listLoading(): LoadingModel[] {
		const now = Date.now();
		return [...this.progress.entries()].map(([id, p]) => ({ id, progress: p.progress, elapsedMs: now - p.startedAt }));
	}

	isLoaded(key: string): boolean {
		return this.slots.has(key);
	}

	private async generate(identifier: string, options: UseOptions, start: (id: string) => Generation): Promise<Scheduled> {
		const started = performance.now();
		const slot = await this.acquire(identifier, options);
		const loadMs = slot.loadedAt >= started ? slot.model.loadTimeMs : 0;
		let generation: Generation;
		try {
			generation = start(slot.model.id);
		} catch (error) {
			this.release(slot, options.ttlSeconds);
			throw error;
		}
		const done = () => this.release(slot, options.ttlSeconds);
		generation.then(done, done);
		return { model: slot.model, generation, loadMs };
	}

	private async acquire(identifier: string, options: UseOptions): Promise<Slot> {
		const { key, path } = this.slots.has(identifier) ? { key: identifier, path: "" } : await this.resolve(identifier);
		let existing = this.slots.get(key);
		// A different context length was asked for (Ollama's num_ctx): reload, if no one is using it.
		const wanted = options.load?.contextLength;
		if (
			existing &&
			wanted !== undefined &&
			existing.inFlight === 0 &&
			Math.min(wanted, existing.model.trainedContextLength) !== existing.model.contextLength
		) {
			await this.unload(key);
			existing = undefined;
		}
		const busy = (existing?.inFlight ?? 0) + (this.waiting.get(key) ?? 0);
		if (busy >= this.options.parallel + this.options.queueLimit) throw new ServerBusyError(key, 1);
		this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
		try {
			const slot = existing ?? (await this.ensureLoaded(key, path, options));
			slot.inFlight++;
			clearTimeout(slot.timer);
			slot.timer = undefined;
			if (options.ttlSeconds !== undefined) slot.ttlSeconds = options.ttlSeconds;
			return slot;
		} finally {
			this.waiting.set(key, (this.waiting.get(key) ?? 1) - 1);
		}
	}

	private ensureLoaded(key: string, path: string, options: UseOptions): Promise<Slot> {
		let loading = this.loading.get(key);
		if (!loading) {
			loading = (async () => {
				const started: { progress: LoadProgress; startedAt: number } = {
					progress: { stage: "starting", fraction: 0 },
					startedAt: Date.now(),
				};
				this.progress.set(key, started);
				let model: LoadedModel;
				try {
					await this.makeRoom(key);
					const load = { ...this.options.loadDefaults?.(key), ...withoutUndefined(options.load) };
					model = await this.engine.load(
						path,
						{
							...load,
							// HEARTH_PARALLEL is a ceiling, lowered to what fits; a count the request or the model's defaults give is kept.
							parallel: load.parallel ?? this.options.parallel,
							fitParallel: load.parallel === undefined,
							id: key,
						},
						{
							signal: options.signal,
							onLoadProgress: (progress) => {
								started.progress = progress;
								options.onLoadProgress?.(progress);
							},
						},
					);
				} finally {
					this.progress.delete(key);
				}
				const slot: Slot = {
					model,
					loadedAt: performance.now(),
					inFlight: 0,
					lastUsed: Date.now(),
					ttlSeconds: options.ttlSeconds ?? this.options.ttlSeconds,
				};
				this.slots.set(key, slot);
				this.options.onEvent?.(
					`loaded ${key} in ${(model.loadTimeMs / 1000).toFixed(1)} s (context ${model.contextLength}, ${model.parallel} parallel, ${model.gpu})`,
				);
				return slot;
			})().finally(() => this.loading.delete(key));
			this.loading.set(key, loading);
		}
		return loading;
	}

	/** Unloads least recently used idle models until `key` fits under the limit. */
	private async makeRoom(key: string): Promise<void> {
		const others = () => [...this.loading.keys()].filter((k) => k !== key).length;
		while (this.slots.size + others() + 1 > this.options.maxLoadedModels) {
			const idle = [...this.slots.entries()].filter(([, s]) => s.inFlight === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
			if (idle.length === 0) {
				const [busiest] = [...this.slots.keys()];
				throw new ServerBusyError(busiest ?? "?", 5);
			}
			await this.unload(idle[0][0]);
		}
	}

	private release(slot: Slot, ttlSeconds?: number): void {
		slot.inFlight--;
		slot.lastUsed = Date.now();
		if (slot.inFlight > 0 || !this.slots.has(slot.model.id)) return;
		const ttl = ttlSeconds ?? slot.ttlSeconds;
		clearTimeout(slot.timer);
		slot.timer = setTimeout(() => {
			if (slot.inFlight === 0) void this.unload(slot.model.id).catch(() => {});
		}, ttl * 1000);
		slot.timer.unref();
	}

	private forget(id: string): void {
		const slot = this.slots.get(id);
		if (slot) clearTimeout(slot.timer);
		this.slots.delete(id);
	}
}
