import { listFiles, listModels, modelInfo } from "@huggingface/hub";
import { readSetting } from "../config/settings.js";
import { estimateMemory, type MemoryEstimate, withWeights } from "../models/fit/estimateMemory.js";
import { InvalidModelFileError } from "../models/InvalidModelFileError.js";
import { assertSafeRelativePath, parseRepoId, UnsafeNameError } from "../models/safeNames.js";
import { groupSplitParts } from "../models/scan/groupSplitParts.js";
import { createBoundedFetch, type ReplyBudget } from "./createBoundedFetch.js";
import { createHubFetch, type HubFetch } from "./createHubFetch.js";
import { HubError, hubErrorForResponse, hubErrorForStatus } from "./errors/HubError.js";
import { type ModelCardSummary, modelCardSummary } from "./modelCardSummary.js";
import { offerableFilePart } from "./offerableFilePart.js";
import { parseQuantization } from "./parseQuantization.js";
import { readRemoteGgufInfo } from "./readRemoteGgufInfo.js";
import { type RetryOptions, withRetries } from "./withRetries.js";

export type HubSort = "downloads" | "likes" | "updated";

/** A repository in search results. */
export interface HubModel {
	id: string;
	downloads: number;
	likes: number;
	updatedAt: string;
	gated: boolean;
}

export interface HubFilePart {
	path: string;
	sizeBytes: number;
	/** sha256 of the content, from the tree API's `lfs.oid`. */
	sha256?: string;
}

/** A GGUF model file of a repo; a split model's parts are one entry. */
export interface HubFile {
	/** The path of the file, or of the first part. */
	path: string;
	sizeBytes: number;
	quantization?: string;
	parts: HubFilePart[];
}

/** What a remote GGUF header says, read with HTTP Range requests (no download). */
export interface RemoteHeader {
	architecture: string;
	name?: string;
	contextLength?: number;
	parameterCount: number;
	memory: MemoryEstimate;
}

export interface HubClientOptions {
	/** Default HF_ENDPOINT. */
	endpoint?: string;
	/** Default HF_TOKEN. */
	token?: string;
	/** Context length of the header's memory estimate; default HEARTH_CONTEXT_LENGTH. */
	contextLength?: number;
	/** Retries of each request of a header read on 429, 5xx and dropped connections; default 4. */
	retries?: number;
	/** First retry delay, doubled each retry (a Retry-After replaces it); default 500 ms. */
	backoffMs?: number;
	/** The most bytes of a remote GGUF header read (huge vocabularies run to tens of MiB); default 64 MiB. */
	maxHeaderBytes?: number;
}

const SORT_FIELD = { downloads: "downloads", likes: "likes", updated: "lastModified" } as const;
const MiB = 2 ** 20;
/** A listing of thousands of files is a few MiB of JSON; more is not a hub Hearth can use. */
const API_BUDGET: ReplyBudget = { bytes: 16 * MiB, requests: 100 };
/** A card's summary needs its opening; a card is a few KiB. */
const CARD_BYTES = MiB;

/**
 * Hugging Face (or a mirror at HF_ENDPOINT) through @huggingface/hub, with HF_TOKEN sent to the
 * endpoint only and every repo and file name checked before it becomes a URL or a path.
 */
export class HubClient {
	readonly endpoint: string;
	readonly fetch: HubFetch;
	readonly tokenSet: boolean;
	private readonly token: string | undefined;

	private readonly contextLength: number;
	private readonly headers = new Map<string, Promise<RemoteHeader>>();
	private readonly retry: RetryOptions;
	private readonly maxHeaderBytes: number;

	/** Unset options come from the process's environment (HF_ENDPOINT, HF_TOKEN, HEARTH_CONTEXT_LENGTH). */
	constructor(options: HubClientOptions = {}) {
		this.endpoint = options.endpoint ?? readSetting("hfEndpoint");
		this.token = options.token ?? readSetting("hfToken");
		this.contextLength = options.contextLength ?? readSetting("contextLength");
		this.retry = { retries: options.retries ?? 4, backoffMs: options.backoffMs ?? 500 };
		this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * MiB;
		this.tokenSet = Boolean(this.token);
		this.fetch = createHubFetch(this.endpoint, this.token);
	}

	/** GGUF model repos matching `query`, most downloaded (or liked, or recently updated) first. */
	async search(query: string, options: { sort?: HubSort; limit?: number } = {}): Promise<HubModel[]> {
		const results: HubModel[] = [];
		const what = `search "${query}"`;
		await this.call(what, async () => {
			for await (const m of listModels({
				search: { query, tags: ["gguf"] },
				sort: SORT_FIELD[options.sort ?? "downloads"],
				limit: options.limit ?? 20,
				hubUrl: this.endpoint,
				fetch: this.apiFetch(what),
			}))
				results.push({
					id: m.name,
					downloads: m.downloads,
					likes: m.likes,
					updatedAt: m.updatedAt.toISOString(),
					gated: Boolean(m.gated),
				});
		});
		return results;
	}

	/** Facts about a repo: gated or not, downloads, likes, tags. */
	async repo(repo: string): Promise<HubModel & { tags: string[] }> {
		parseRepoId(repo);
		return this.call(repo, async () => {
			const m = await modelInfo({
				name: repo,
				hubUrl: this.endpoint,
				fetch: this.apiFetch(repo),
				additionalFields: ["tags"],
			});
			return {
				id: m.name,
				downloads: m.downloads,
				likes: m.likes,
				updatedAt: m.updatedAt.toISOString(),
				gated: Boolean(m.gated),
				tags: m.tags ?? [],
			};
		});
	}

	/** The repo's model card (README.md) summarised: license and opening prose; undefined when it has none. */
	async modelCard(repo: string): Promise<ModelCardSummary | undefined> {
		const what = `${repo}/README.md`;
		const url = this.resolveUrl(repo, "README.md");
		return this.call(what, async () => {
			const fetch = createBoundedFetch(this.fetch, this.endpoint, { bytes: CARD_BYTES, requests: 1 }, what);
			const response = await fetch(url, { headers: { Range: `bytes=0-${CARD_BYTES - 1}` } });
			if (response.status === 404 && response.headers.get("x-error-code") === "EntryNotFound") {
				await response.body?.cancel();
				return undefined;
			}
			if (!response.ok) {
				await response.body?.cancel();
				throw hubErrorForResponse(response, what, this.tokenSet);
			}
			return modelCardSummary(await response.text());
		});
	}

	/**
	 * The GGUF model files of a repo with sizes, sha256 and quantization; split parts grouped,
	 * projectors left out, and so are entries Hearth could not download safely and verify (see
	 * `offerableFilePart`): a hostile name or size in a listing hides that entry, not the repo.
	 */
	async files(repo: string): Promise<HubFile[]> {
		parseRepoId(repo);
		const entries: HubFilePart[] = [];
		await this.call(repo, async () => {
			for await (const e of listFiles({
				repo: { type: "model", name: repo },
				recursive: true,
				hubUrl: this.endpoint,
				fetch: this.apiFetch(repo),
			})) {
				const part = offerableFilePart(e);
				if (part) entries.push(part);
			}
		});
		const byPath = new Map(entries.map((e) => [e.path, e]));
		return groupSplitParts(entries.map((e) => e.path))
			.map((group) => {
				const parts = group.paths.map((p) => byPath.get(p) as HubFilePart);
				return {
					path: group.first,
					sizeBytes: parts.reduce((n, p) => n + p.sizeBytes, 0),
					quantization: parseQuantization(group.first),
					parts,
				};
			})
			.sort((a, b) => a.sizeBytes - b.sizeBytes);
	}

	/** The URL a file is served from, redirects followed and checked. */
	resolveUrl(repo: string, path: string): string {
		parseRepoId(repo);
		assertSafeRelativePath(path, "file name");
		return `${this.endpoint}/${repo}/resolve/main/${path.split("/").map(encodeURIComponent).join("/")}`;
	}

	/**
	 * The remote header's facts, kept per file content (its sha256) and context length: a repo's
	 * page, then its download, ask for the same header, and reading one is several round trips.
	 */
	header(repo: string, file: HubFile, contextLength = this.contextLength): Promise<RemoteHeader> {
		const key = `${repo}/${file.path}#${file.parts[0]?.sha256 ?? ""}@${contextLength}`;
		let header = this.headers.get(key);
		if (!header) {
			header = this.readHeader(repo, file, contextLength);
			header.catch(() => this.headers.delete(key));
			this.headers.set(key, header);
			// Oldest first out: a session browses a few dozen repos at most.
			if (this.headers.size > 64) this.headers.delete(this.headers.keys().next().value as string);
		}
		return header;
	}

	/**
	 * Reads a remote file's GGUF header with Range requests — architecture, context length,
	 * parameters — and estimates memory for `file` (all its parts) at `contextLength`.
	 */
	private async readHeader(repo: string, file: HubFile, contextLength: number): Promise<RemoteHeader> {
		const what = `${repo}/${file.path}`;
		const resolved = this.resolveUrl(repo, file.path);
		const info = await this.call(what, async () => {
			// The HEAD finds where the file is served, so that the Range reads skip the resolve hop.
			const url = await withRetries(async () => {
				const response = await this.fetch(resolved, { method: "HEAD" });
				if (!response.ok) throw hubErrorForResponse(response, what, this.tokenSet);
				return response.url || resolved;
			}, this.retry);
			return readRemoteGgufInfo({
				url,
				fetch: this.fetch,
				sizeBytes: file.parts[0]?.sizeBytes ?? file.sizeBytes,
				maxBytes: this.maxHeaderBytes,
				label: what,
				tokenSet: this.tokenSet,
				retry: this.retry,
			});
		});
		const meta = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
		const architecture = String(meta.general?.architecture ?? "unknown");
		const firstPartWeights = await estimateMemory(info, contextLength);
		const parameters = (info.fullTensorInfo ?? []).reduce(
			(n, t) => n + t.dimensions.reduce<number>((a, d) => a * Number(d), 1),
			0,
		);
		const firstPartSize = file.parts[0]?.sizeBytes ?? file.sizeBytes;
		return {
			architecture,
			name: typeof meta.general?.name === "string" ? meta.general.name : undefined,
			contextLength:
				typeof meta[architecture]?.context_length === "number" ? (meta[architecture]?.context_length as number) : undefined,
			// Only the first part's tensors are in its header: scale by size for split models.
			parameterCount: Math.round(parameters * (file.sizeBytes / firstPartSize)),
			memory: withWeights(firstPartWeights, firstPartWeights.weightsBytes * (file.sizeBytes / firstPartSize)),
		};
	}

	/** fetch for @huggingface/hub's calls: on the endpoint only, and within `API_BUDGET`. */
	private apiFetch(what: string): typeof fetch {
		return createBoundedFetch(this.fetch, this.endpoint, API_BUDGET, what) as typeof fetch;
	}

	/**
	 * Turns library and network failures into HubErrors that say what to do. Errors that already
	 * say what is wrong — a HubError, an unsafe name (400), a file that is not GGUF — pass unchanged.
	 */
	private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
		try {
			return await work();
		} catch (error) {
			if (error instanceof HubError || error instanceof UnsafeNameError || error instanceof InvalidModelFileError) throw error;
			const status = (error as { statusCode?: number }).statusCode;
			if (typeof status === "number") throw hubErrorForStatus(status, what, this.tokenSet);
			const cause = (error as { cause?: { code?: string; message?: string } }).cause;
			throw new HubError(
				"unavailable",
				`Could not reach Hugging Face at ${this.endpoint} (${cause?.code ?? cause?.message ?? (error as Error).message}) for ${what}`,
			);
		}
	}
}
