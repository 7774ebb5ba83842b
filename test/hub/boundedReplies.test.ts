import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DownloadManager } from "../../src/hub/DownloadManager.js";
import { HubError } from "../../src/hub/errors/HubError.js";
import { HubClient, type HubFile } from "../../src/hub/HubClient.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { PHI3_Q4, PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";
import { startRecordingServer } from "../fixtures/startRecordingServer.js";

const GiB = 2 ** 30;
const SHA = "a".repeat(64);

let hub: FakeHub;
let client: HubClient;
let other: Awaited<ReturnType<typeof startRecordingServer>>;

beforeAll(async () => {
	hub = await startFakeHub();
	client = new HubClient({ endpoint: hub.url });
	other = await startRecordingServer("[]");
});
afterAll(async () => {
	other.close();
	await hub.stop();
});
afterEach(() => {
	hub.faults.clear();
	hub.apiFaults.clear();
	hub.requests.length = 0;
	other.hits.length = 0;
});

/** The error `work` fails with, and by how much the process's resident memory peaked above where it started. */
async function failureAndPeakGrowth(work: () => Promise<unknown>): Promise<{ error: unknown; growthMiB: number }> {
	const before = process.memoryUsage.rss();
	let peak = before;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage.rss());
	}, 5);
	try {
		const error = await work().then(
			() => undefined,
			(e: unknown) => e,
		);
		peak = Math.max(peak, process.memoryUsage.rss());
		return { error, growthMiB: (peak - before) / 2 ** 20 };
	} finally {
		clearInterval(sampler);
	}
}

describe("hub replies are read up to a cap, in bounded memory", () => {
	it("stops inflating a gzip bomb from the tree API at 16 MiB", async () => {
		hub.apiFaults.set("tree", { gzipBomb: GiB });
		const { error, growthMiB } = await failureAndPeakGrowth(() => client.files(PHI3_REPO));
		expect(error).toBeInstanceOf(HubError);
		expect((error as Error).message).toMatch(/larger than the 16 MiB/);
		expect((error as HubError).kind).toBe("reply_too_large");
		expect(growthMiB).toBeLessThan(100);
	});

	it("stops reading a huge search reply, and a gzip bomb of model info", async () => {
		hub.apiFaults.set("search", { hugeBody: GiB });
		const search = await failureAndPeakGrowth(() => client.search("phi-3"));
		expect((search.error as Error).message).toMatch(/larger than the 16 MiB/);
		expect(search.growthMiB).toBeLessThan(100);
		hub.apiFaults.set("info", { gzipBomb: GiB });
		const info = await failureAndPeakGrowth(() => client.repo(PHI3_REPO));
		expect((info.error as Error).message).toMatch(/larger than the 16 MiB/);
		expect(info.growthMiB).toBeLessThan(100);
	});

	it("reads at most 1 MiB of a model card", async () => {
		expect((await client.modelCard(PHI3_REPO))?.license).toBe("mit");
		hub.faults.set("README.md", { hugeBody: GiB });
		const { error, growthMiB } = await failureAndPeakGrowth(() => client.modelCard(PHI3_REPO));
		expect(error).toBeInstanceOf(HubError);
		expect((error as Error).message).toMatch(/larger than the 1 MiB/);
		expect(growthMiB).toBeLessThan(100);
	});

	it("follows pagination links only on the endpoint", async () => {
		hub.apiFaults.set("tree", { linkNext: `${other.url}/api/models/x/y/tree/main?cursor=1` });
		const error = await client.files(PHI3_REPO).catch((e: unknown) => e);
		expect((error as HubError).kind).toBe("unsafe_redirect");
		expect(other.hits).toEqual([]);
	});
});

describe("tree entries that cannot be verified", () => {
	it("are left out of the files offered: negative, fractional or missing sizes, no LFS sha256", async () => {
		const entry = (path: string, size: unknown, lfs?: unknown) => ({ type: "file", oid: "0".repeat(40), size, path, lfs });
		hub.addRepo("probe/Odd-Sizes-GGUF", {
			files: { "good-Q4_0.gguf": Buffer.from("GGUF") },
			treeEntries: [
				entry("negative-Q4_0.gguf", -1, { oid: SHA, size: -1, pointerSize: 134 }),
				entry("fraction-Q4_0.gguf", 1.5, { oid: SHA, size: 1.5, pointerSize: 134 }),
				entry("huge-Q4_0.gguf", 2 ** 60, { oid: SHA, size: 2 ** 60, pointerSize: 134 }),
				entry("text-Q4_0.gguf", "12", { oid: SHA, size: "12", pointerSize: 134 }),
				entry("nosize-Q4_0.gguf", undefined, { oid: SHA, pointerSize: 134 }),
				entry("nolfs-Q4_0.gguf", 1000),
				entry("badsha-Q4_0.gguf", 1000, { oid: "not-a-sha256", size: 1000, pointerSize: 134 }),
			],
		});
		expect((await client.files("probe/Odd-Sizes-GGUF")).map((f) => f.path)).toEqual(["good-Q4_0.gguf"]);
	});

	it("are never downloaded unchecked nor retried: a part without sha256 or a size fails at once", async () => {
		const manager = new DownloadManager(client, mkdtempSync(join(tmpdir(), "hearth-probe-")));
		const file = (part: HubFile["parts"][number]): HubFile => ({ path: part.path, sizeBytes: part.sizeBytes, parts: [part] });
		const started = Date.now();
		for (const part of [
			{ path: PHI3_Q4, sizeBytes: Number.NaN, sha256: SHA },
			{ path: PHI3_Q4, sizeBytes: -5, sha256: SHA },
			{ path: PHI3_Q4, sizeBytes: 1000 },
		]) {
			const job = manager.start(PHI3_REPO, file(part));
			await expect(job.done).rejects.toBeInstanceOf(HubError);
			expect(job.state).toBe("failed");
		}
		expect(Date.now() - started).toBeLessThan(2000);
		expect(hub.requests.filter((r) => r.path.includes("/resolve/"))).toEqual([]);
	}, 10_000);
});
