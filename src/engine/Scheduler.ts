import { stoppedByClient } from "../api/native/NativeChat.js";
import { withoutUndefined } from "../util/withoutUndefined.js";
import { AdmissionQueue } from "./AdmissionQueue.js";
import type {
	CallOptions,
	ChatRequest,
	CompletionRequest,
	Engine,
	GenerationStats,
	LoadedModel,
	LoadOptions,
	LoadProgress,
	SamplingOptions,
} from "./Engine.js";
import { MaxTokensTooLargeError } from "./errors/MaxTokensTooLargeError.js";
import { ServerBusyError } from "./errors/ServerBusyError.js";
import { Generation } from "./Generation.js";

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
	/** Told each finished generation's stats, for metrics. */
	onGenerated?: (modelId: string, stats: GenerationStats) => void;
	/** A model's saved load settings, applied under whatever a request asks for. */
	loadDefaults?: (key: string) => SchedulerLoadOptions | undefined;
}

/** Finds a model by any identifier the store knows: its key (the id it is loaded under) and file. */
export type ModelResolver = (identifier: string) => Promise<{ key: string; path: string }>;

export interface ScheduledModel extends LoadedModel {
	/** Requests generating or waiting. */
	inFlight: number;
	/** Of those, the requests waiting for one of its sequences, in order of arrival. */
	queued: number;
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

/** A model the scheduler holds in memory, with its use count and idle timer. */
interface Resident {
	model: LoadedModel;
	/** performance.now() when the load finished. */
	loadedAt: number;
	inFlight: number;
	lastUsed: number;
	ttlSeconds: number;
	timer?: NodeJS.Timeout;
	/** Its sequences: as many generations run as it has, the rest wait here with their positions known. */
	admission: AdmissionQueue;
}

/** How the scheduler loads a model: the engine's options, with a draft model named as the store knows it. */
export type SchedulerLoadOptions = LoadOptions & {
	/** A model identifier (key, short key or path) of the draft model; resolved to its file. */
	draft?: string;
};

export interface UseOptions extends CallOptions {
	/** Keep the model loaded this long after the request; 0 unloads it as soon as it is idle. */
	ttlSeconds?: number;
	/** How to load the model if it is not loaded yet. */
	load?: SchedulerLoadOptions;
	/** While the request waits for a free sequence: its place in the queue (1 is next), told again as it moves. */
	onQueued?: (position: number) => void;
}

/**
 * Decides which models are in memory: loads a model just in time when a request names it, keeps
 * it while requests use it, unloads it after its idle time-to-live, evicts the least recently used
 * idle model when the limit is reached, and bounds how many requests may wait for one model.
 */
export class Scheduler {
	private readonly residents = new Map<string, Resident>();
	private readonly loading = new Map<string, Promise<Resident>>();
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
		return this.generate(identifier, options, request, (id) => this.engine.chat(id, request, options));
	}

	complete(identifier: string, request: CompletionRequest, options: UseOptions = {}): Promise<Scheduled> {
		return this.generate(identifier, options, request, (id) => this.engine.complete(id, request, options));
	}

	/** Runs `work` with the model loaded and counted as in use until it settles. */
	async use<T>(identifier: string, options: UseOptions, work: (model: LoadedModel) => Promise<T>): Promise<T> {
		const resident = await this.acquire(identifier, options);
		try {
			return await work(resident.model);
		} finally {
			this.release(resident, options.ttlSeconds);
		}
	}

	/** Loads a model now (or returns it if loaded), with these options. */
	async load(identifier: string, options: UseOptions = {}): Promise<LoadedModel> {
		const resident = await this.acquire(identifier, options);
		this.release(resident, options.ttlSeconds);
		return resident.model;
	}

	async unload(identifier: string): Promise<void> {
		const key = this.residents.has(identifier) ? identifier : (await this.resolve(identifier)).key;
		const resident = this.residents.get(key);
		if (!resident) return;
		clearTimeout(resident.timer);
		this.residents.delete(key);
		await this.engine.unload(key);
		this.options.onEvent?.(`unloaded ${key}`);
	}

	async unloadAll(): Promise<void> {
		await Promise.allSettled([...this.loading.values()]);
		await Promise.all([...this.residents.keys()].map((key) => this.unload(key)));
	}

	list(): ScheduledModel[] {
		const now = Date.now();
		return [...this.residents.values()].map((s) => ({
			...s.model,
			inFlight: s.inFlight,
			queued: s.admission.queued,
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
		return this.residents.has(key);
	}

	private async generate(
		identifier: string,
		options: UseOptions,
		request: SamplingOptions,
		start: (id: string) => Generation,
	): Promise<Scheduled> {
		const started = performance.now();
		const resident = await this.acquire(identifier, options);
		// A cap past the whole context is a mistake (or a probe holding a sequence for hours), not a wish.
		if (request.maxTokens !== undefined && request.maxTokens > resident.model.contextLength) {
			this.release(resident, options.ttlSeconds);
			throw new MaxTokensTooLargeError(request.maxTokens, resident.model.contextLength);
		}
		const loadMs = resident.loadedAt >= started ? resident.model.loadTimeMs : 0;
		// Admitted when one of the model's sequences is free; until then it waits here, where its
		// place is known, not in the runner. A request that gives up while waiting ends as stopped.
		const { signal, onQueued } = options;
		const generation = new Generation(async (emit) => {
			if (!(await resident.admission.admit(signal, onQueued))) return { text: "", stats: stoppedByClient() };
			try {
				const running = start(resident.model.id);
				for await (const chunk of running.chunks()) emit(chunk);
				return await running;
			} finally {
				resident.admission.release();
			}
		});
		const done = () => this.release(resident, options.ttlSeconds);
		generation.then((result) => {
			done();
			this.options.onGenerated?.(resident.model.id, result.stats);
		}, done);
		return { model: resident.model, generation, loadMs };
	}

	private async acquire(identifier: string, options: UseOptions): Promise<Resident> {
		const { key, path } = this.residents.has(identifier) ? { key: identifier, path: "" } : await this.resolve(identifier);
		let existing = this.residents.get(key);
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
			const resident = existing ?? (await this.ensureLoaded(key, path, options));
			resident.inFlight++;
			clearTimeout(resident.timer);
			resident.timer = undefined;
			if (options.ttlSeconds !== undefined) resident.ttlSeconds = options.ttlSeconds;
			return resident;
		} finally {
			this.waiting.set(key, (this.waiting.get(key) ?? 1) - 1);
		}
	}

	private ensureLoaded(key: string, path: string, options: UseOptions): Promise<Resident> {
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
					const { draft, ...load } = { ...this.options.loadDefaults?.(key), ...withoutUndefined(options.load) };
					model = await this.engine.load(
						path,
						{
							...load,
							// HEARTH_PARALLEL is a ceiling, lowered to what fits; a count the request or the model's defaults give is kept.
							parallel: load.parallel ?? this.options.parallel,
							fitParallel: load.parallel === undefined,
							// A draft is named as any model is; the engine takes its file.
							draftModelPath: draft === undefined ? load.draftModelPath : (await this.resolve(draft)).path,
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
				const resident: Resident = {
					model,
					loadedAt: performance.now(),
					inFlight: 0,
					admission: new AdmissionQueue(model.parallel),
					lastUsed: Date.now(),
					ttlSeconds: options.ttlSeconds ?? this.options.ttlSeconds,
				};
				this.residents.set(key, resident);
				this.options.onEvent?.(
					`loaded ${key} in ${(model.loadTimeMs / 1000).toFixed(1)} s (context ${model.contextLength}, ${model.parallel} parallel, ${model.gpu})`,
				);
				return resident;
			})().finally(() => this.loading.delete(key));
			this.loading.set(key, loading);
		}
		return loading;
	}

	/** Unloads least recently used idle models until `key` fits under the limit. */
	private async makeRoom(key: string): Promise<void> {
		const others = () => [...this.loading.keys()].filter((k) => k !== key).length;
		while (this.residents.size + others() + 1 > this.options.maxLoadedModels) {
			const idle = [...this.residents.entries()]
				.filter(([, s]) => s.inFlight === 0)
				.sort((a, b) => a[1].lastUsed - b[1].lastUsed);
			if (idle.length === 0) {
				const [busiest] = [...this.residents.keys()];
				throw new ServerBusyError(busiest ?? "?", 5);
			}
			await this.unload(idle[0][0]);
		}
	}

	private release(resident: Resident, ttlSeconds?: number): void {
		resident.inFlight--;
		resident.lastUsed = Date.now();
		if (resident.inFlight > 0 || !this.residents.has(resident.model.id)) return;
		const ttl = ttlSeconds ?? resident.ttlSeconds;
		clearTimeout(resident.timer);
		resident.timer = setTimeout(() => {
			if (resident.inFlight === 0) void this.unload(resident.model.id).catch(() => {});
		}, ttl * 1000);
		resident.timer.unref();
	}

	private forget(id: string): void {
		const resident = this.residents.get(id);
		if (resident) clearTimeout(resident.timer);
		this.residents.delete(id);
	}
}
