import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeHub } from "../../test/fixtures/fakeHub.js";
import { PHI3_Q4, PHI3_REPO, startFakeHub } from "../../test/fixtures/startFakeHub.js";
import { DownloadManager } from "./DownloadManager.js";
import { type DownloadFileOptions, downloadFile } from "./downloadFile.js";
import { HubError } from "./errors/HubError.js";
import { HubClient, type HubFile } from "./HubClient.js";

let hub: FakeHub;
let client: HubClient;
let q4: HubFile;
let expected: Buffer;
let dir: string;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
	hub = await startFakeHub();
	client = new HubClient({ endpoint: hub.url });
	q4 = (await client.files(PHI3_REPO))[0];
	expected = Buffer.from(await (await client.fetch(client.resolveUrl(PHI3_REPO, PHI3_Q4))).arrayBuffer());
});
afterAll(() => hub.stop());
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), "hearth-dl-"));
	hub.requests.length = 0;
});
afterEach(() => hub.faults.clear());

function download(extra: Partial<DownloadFileOptions> = {}) {
	return downloadFile({
		url: client.resolveUrl(PHI3_REPO, PHI3_Q4),
		destination: join(dir, PHI3_Q4),
		fetch: client.fetch,
		sha256: q4.parts[0].sha256,
		sizeBytes: q4.sizeBytes,
		backoffMs: 10,
		stallMs: 300,
		...extra,
	});
}
const blobRanges = () => hub.requests.filter((r) => r.path.startsWith("/blobs/")).map((r) => r.range ?? "none");

describe("downloadFile", () => {
	it("downloads through the resolve redirect, verifies sha256 and renames into place", async () => {
		const progress: number[] = [];
		const result = await download({ onProgress: (p) => progress.push(p.bytes) });
		expect(result).toMatchObject({ sizeBytes: expected.length, sha256: sha(expected), resumedFrom: 0 });
		expect(readFileSync(join(dir, PHI3_Q4)).equals(expected)).toBe(true);
		expect(existsSync(join(dir, `${PHI3_Q4}.part`))).toBe(false);
		expect(progress.at(-1)).toBe(expected.length);
		expect(hub.requests[0].path).toContain(`/resolve/main/${PHI3_Q4}`);
	});

	it("resumes with Range after the connection drops", async () => {
		hub.faults.set(PHI3_Q4, { dropAfter: 50_000, times: 2 });
		await download();
		expect(readFileSync(join(dir, PHI3_Q4)).equals(expected)).toBe(true);
		expect(blobRanges()).toEqual(["none", "bytes=50000-", "bytes=100000-"]);
	});

	it("drops a stalled connection and resumes", async () => {
		hub.faults.set(PHI3_Q4, { stallAfter: 32_768 });
		await download({ stallMs: 200 });
		expect(readFileSync(join(dir, PHI3_Q4)).equals(expected)).toBe(true);
		expect(blobRanges()).toEqual(["none", "bytes=32768-"]);
	});

	it("resumes a .part left by an earlier run, and reports the bytes reused", async () => {
		writeFileSync(join(dir, `${PHI3_Q4}.part`), expected.subarray(0, 60_000));
		const result = await download();
		expect(result.resumedFrom).toBe(60_000);
		expect(blobRanges()).toEqual(["bytes=60000-"]);
		expect(readFileSync(join(dir, PHI3_Q4)).equals(expected)).toBe(true);
	});

	it("restarts from zero, never appends, when the server ignores Range", async () => {
		writeFileSync(join(dir, `${PHI3_Q4}.part`), expected.subarray(0, 60_000));
		hub.faults.set(PHI3_Q4, { ignoreRange: true });
		await download();
		expect(readFileSync(join(dir, PHI3_Q4)).equals(expected)).toBe(true);
		expect(blobRanges()).toEqual(["bytes=60000-", "none"]);
	});

	it("deletes the partial file and reports a checksum mismatch", async () => {
		hub.faults.set(PHI3_Q4, { corrupt: true });
		const error = await download().catch((e: unknown) => e);
		expect((error as HubError).kind).toBe("checksum_mismatch");
		expect((error as Error).message).toContain(q4.parts[0].sha256);
		expect(existsSync(join(dir, PHI3_Q4))).toBe(false);
		expect(existsSync(join(dir, `${PHI3_Q4}.part`))).toBe(false);
	});

	it("retries 500s and 429s with backoff, and gives up with a clear error", async () => {
		hub.faults.set(PHI3_Q4, { status: 500, statusTimes: 2 });
		await download();
		hub.faults.set(PHI3_Q4, { status: 429, statusTimes: 1 });
		await download({ destination: join(dir, "again.gguf") });
		hub.faults.set(PHI3_Q4, { status: 503, statusTimes: 100 });
		const error = await download({ destination: join(dir, "never.gguf"), retries: 2 }).catch((e: unknown) => e);
		expect((error as HubError).kind).toBe("unavailable");
		expect(hub.requests.filter((r) => r.path.includes("/resolve/")).length).toBe(3 + 2 + 3);
	});

	it("fails at once on 404 and on 401 without a token, with what to do", async () => {
		const missing = await download({ url: client.resolveUrl(PHI3_REPO, "nope.gguf") }).catch((e: unknown) => e);
		expect((missing as HubError).kind).toBe("not_found");
		hub.faults.set(PHI3_Q4, { status: 401 });
		const denied = await download().catch((e: unknown) => e);
		expect((denied as HubError).kind).toBe("unauthorized");
		expect((denied as Error).message).toContain("HF_TOKEN");
		expect(hub.requests.filter((r) => r.path.includes("/resolve/")).length).toBe(2);
	});

	it("stops at once on a full disk and keeps what it has", async () => {
		symlinkSync("/dev/full", join(dir, `${PHI3_Q4}.part`));
		const started = Date.now();
		const error = await download().catch((e: unknown) => e);
		expect((error as HubError).kind).toBe("disk_full");
		expect((error as Error).message).toContain("The disk is full");
		expect(Date.now() - started).toBeLessThan(2000);
		expect(blobRanges()).toHaveLength(1);
	});

	it("can be cancelled, leaving a .part that the next run resumes", async () => {
		hub.faults.set(PHI3_Q4, { bytesPerSecond: 200_000 });
		const controller = new AbortController();
		const error = await download({
			signal: controller.signal,
			onProgress: (p) => p.bytes >= 32_768 && controller.abort(),
		}).catch((e: unknown) => e);
		expect((error as HubError).kind).toBe("cancelled");
		const part = readFileSync(join(dir, `${PHI3_Q4}.part`));
		expect(part.length).toBeGreaterThanOrEqual(32_768);
		hub.faults.clear();
		expect((await download()).resumedFrom).toBe(part.length);
		expect(readFileSync(join(dir, PHI3_Q4)).equals(expected)).toBe(true);
	});
});

describe("DownloadManager", () => {
	it("shares one transfer between two requests for the same file and files it under publisher/repo", async () => {
		const manager = new DownloadManager(client, join(dir, "models"));
		hub.faults.set(PHI3_Q4, { bytesPerSecond: 500_000 });
		const a = manager.start(PHI3_REPO, q4);
		const b = manager.start(PHI3_REPO, q4);
		expect(b).toBe(a);
		const result = await a.done;
		expect(result).toMatchObject({ key: `${PHI3_REPO}/${PHI3_Q4}`, path: join(dir, "models", PHI3_REPO, PHI3_Q4) });
		expect(blobRanges()).toHaveLength(1);
		expect(a.state).toBe("done");
		expect(manager.isDownloaded(PHI3_REPO, q4)).toBe(true);
	});

	it("downloads every part of a split model as one job", async () => {
		const manager = new DownloadManager(client, join(dir, "models"));
		const split = (await client.files("bartowski/Tiny-Llama-GGUF")).find((f) => f.parts.length === 2) as HubFile;
		const states: number[] = [];
		const job = manager.start("bartowski/Tiny-Llama-GGUF", split);
		job.onChange((j) => states.push(j.progress.bytes));
		await job.done;
		expect(states.at(-1)).toBe(split.sizeBytes);
		for (const part of split.parts) expect(existsSync(join(dir, "models/bartowski/Tiny-Llama-GGUF", part.path))).toBe(true);
	});

	it("reports a failed job with its reason", async () => {
		mkdirSync(join(dir, "models"), { recursive: true });
		const manager = new DownloadManager(client, join(dir, "models"));
		hub.faults.set(PHI3_Q4, { corrupt: true });
		const job = manager.start(PHI3_REPO, q4);
		await expect(job.done).rejects.toBeInstanceOf(HubError);
		expect(job.state).toBe("failed");
		expect(job.error?.message).toContain("corrupt");
	});
});
