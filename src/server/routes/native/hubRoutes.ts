import { Hono } from "hono";
import type { RepoFilesView } from "../../../api/native/NativeHub.js";
import type { HubSort } from "../../../hub/HubClient.js";
import { repoFilesWithFit } from "../../../hub/repoFilesWithFit.js";
import { HttpError } from "../../HttpError.js";
import type { ServerContext } from "../../ServerContext.js";

const SORTS: HubSort[] = ["downloads", "likes", "updated"];

/** Hugging Face through the server: search, and a repo's files with fit verdicts, card and header facts. */
export function hubRoutes(ctx: ServerContext): Hono {
	const app = new Hono();

	app.get("/hearth/hub/search", async (c) => {
		const sort = c.req.query("sort") as HubSort | undefined;
		if (sort && !SORTS.includes(sort)) throw new HttpError(400, "sort is downloads, likes or updated", "invalid_request", "sort");
		return c.json(await ctx.hub.search(c.req.query("q") ?? "", { sort, limit: Number(c.req.query("limit") ?? 20) }));
	});

	app.get("/hearth/hub/files", async (c) => {
		const repo = c.req.query("repo");
		if (!repo) throw new HttpError(400, "Name the repo: /hearth/hub/files?repo=<publisher/repo>", "invalid_request", "repo");
		const { memory } = await ctx.machine();
		// The card is a courtesy: a repo without one, or a hub that fails to give it, still lists its files.
		const [listing, about, card] = await Promise.all([
			repoFilesWithFit(ctx.hub, repo, memory),
			ctx.hub.repo(repo).catch(() => undefined),
			ctx.hub.modelCard(repo).catch(() => undefined),
		]);
		const view: RepoFilesView = {
			repo,
			card: about && {
				summary: card?.summary,
				license: card?.license,
				downloads: about.downloads,
				likes: about.likes,
				updatedAt: about.updatedAt,
			},
			header: listing.header && {
				architecture: listing.header.architecture,
				name: listing.header.name,
				contextLength: listing.header.contextLength,
				parameterCount: listing.header.parameterCount,
			},
			files: listing.files.map((f) => ({
				path: f.path,
				sizeBytes: f.sizeBytes,
				quantization: f.quantization,
				parts: f.parts,
				fit: f.fit,
				memoryBytes: f.estimate.cpuOnlyRamBytes,
				recommended: f.recommended,
				downloaded: ctx.downloads.isDownloaded(repo, f),
			})),
		};
		return c.json(view);
	});

	return app;
}
