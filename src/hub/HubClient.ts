import { downloadFile, listFiles, listModels, modelInfo } from "@huggingface/hub";
import { readSetting } from "../config/settings.js";
import { estimateMemory, type MemoryEstimate, withWeights } from "../models/fit/estimateMemory.js";
import { assertSafeRelativePath, parseRepoId } from "../models/safeNames.js";
import { groupSplitParts } from "../models/scan/groupSplitParts.js";
import { createHubFetch, type HubFetch } from "./createHubFetch.js";
import { HubError, hubErrorForStatus } from "./errors/HubError.js";
import { type ModelCardSummary, modelCardSummary } from "./modelCardSummary.js";
import { parseQuantization } from "./parseQuantization.js";

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

const SORT_FIELD = { downloads: "downloads", likes: "likes", updated: "lastModified" } as const;

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

	/** Unset options come from the process's environment (HF_ENDPOINT, HF_TOKEN, HEARTH_CONTEXT_LENGTH). */
	constructor(options: { endpoint?: string; token?: string; contextLength?: number } = {}) {
		this.endpoint = options.endpoint ?? readSetting("hfEndpoint");
		this.token = options.token ?? readSetting("hfToken");
		this.contextLength = options.contextLength ?? readSetting("contextLength");
		this.tokenSet = Boolean(this.token);
		this.fetch = createHubFetch(this.endpoint, this.token);
	}

	/** GGUF model repos matching `query`, most downloaded (or liked, or recently updated) first. */
	async search(query: string, options: { sort?: HubSort; limit?: number } = {}): Promise<HubModel[]> {
		const results: HubModel[] = [];
		await this.call(`search "${query}"`, async () => {
			for await (const m of listModels({
				search: { query, tags: ["gguf"] },
				sort: SORT_FIELD[options.sort ?? "downloads"],
				limit: options.limit ?? 20,
				hubUrl: this.endpoint,
				fetch: this.fetch as typeof fetch,
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
				fetch: this.fetch as typeof fetch,
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
		parseRepoId(repo);
		const blob = await this.call(`${repo}/README.md`, () =>
			downloadFile({ repo, path: "README.md", hubUrl: this.endpoint, fetch: this.fetch as typeof fetch }),
		);
		// A card is a few kilobytes; a huge one is cut rather than held whole.
		return blob ? modelCardSummary(await blob.slice(0, 256 * 1024).text()) : undefined;
	}

	/** The GGUF model files of a repo with sizes, sha256 and quantization; split parts grouped, projectors left out. */
	async files(repo: string): Promise<HubFile[]> {
		parseRepoId(repo);
		const entries: HubFilePart[] = [];
		await this.call(repo, async () => {
			for await (const e of listFiles({
				repo: { type: "model", name: repo },
				recursive: true,
				hubUrl: this.endpoint,
				fetch: this.fetch as typeof fetch,
			})) {
				if (e.type !== "file" || !/\.gguf$/i.test(e.path) || /mmproj/i.test(e.path)) continue;
				assertSafeRelativePath(e.path, "file name from the hub");
				entries.push({ path: e.path, sizeBytes: e.lfs?.size ?? e.size, sha256: e.lfs?.oid });
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
	 * Reads a remote file's GGUF header with Range requests — architecture, context length,
	 * parameters — and estimates memory for `file` (all its parts) at `contextLength`.
	 */
	async header(repo: string, file: HubFile, contextLength = this.contextLength): Promise<RemoteHeader> {
		const url = await this.call(`${repo}/${file.path}`, async () => {
			const response = await this.fetch(this.resolveUrl(repo, file.path), { method: "HEAD" });
			if (!response.ok) throw hubErrorForStatus(response.status, `${repo}/${file.path}`, this.tokenSet);
			return response.url || this.resolveUrl(repo, file.path);
		});
		const sameOrigin = new URL(url).origin === new URL(this.endpoint).origin;
		const token = this.token;
		const { readGgufFileInfo } = await import("node-llama-cpp");
		const info = await this.call(`${repo}/${file.path}`, () =>
			readGgufFileInfo(url, {
				sourceType: "network",
				spliceSplitFiles: false,
				logWarnings: false,
				fetchHeaders: sameOrigin && token ? { Authorization: `Bearer ${token}` } : {},
				// node-llama-cpp rewrites URLs on the HF_ENDPOINT host into its own "hf:" model URIs;
				// this URL is already resolved, so no host may count as Hugging Face's.
				endpoints: { huggingFace: "https://hearth.invalid/" },
			}),
		);
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

	/** Turns library and network failures into HubErrors that say what to do. */
	private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
		try {
			return await work();
		} catch (error) {
			if (error instanceof HubError) throw error;
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
