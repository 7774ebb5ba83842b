import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HubError } from "../../src/hub/errors/HubError.js";
import { HubClient, type HubFile } from "../../src/hub/HubClient.js";
import { InvalidModelFileError } from "../../src/models/InvalidModelFileError.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { PHI3_Q4, PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";
import { startRecordingServer } from "../fixtures/startRecordingServer.js";

const BIG = "probe/Big-Vocab-GGUF";
const BIG_FILE = "big-vocab-Q4_0.gguf";

let hub: FakeHub;
let client: HubClient;
let q4: HubFile;
let other: Awaited<ReturnType<typeof startRecordingServer>>;

/**
 * The file with one more metadata entry of `padding` bytes at the head of its header, as a model
 * with a huge vocabulary has: the entry's size is a multiple of 32, so the tensor data stays aligned.
 */
function withBigHeader(gguf: Buffer, padding: number): Buffer {
	const key = Buffer.from("hearth.test.padding");
	const valueLength = padding - (8 + key.length + 4 + 8);
	const entry = Buffer.alloc(padding, "x");
	entry.writeBigUInt64LE(BigInt(key.length), 0);
	key.copy(entry, 8);
	entry.writeUInt32LE(8, 8 + key.length); // a string
	entry.writeBigUInt64LE(BigInt(valueLength), 8 + key.length + 4);
	const out = Buffer.concat([gguf.subarray(0, 24), entry, gguf.subarray(24)]);
	out.writeBigUInt64LE(gguf.readBigUInt64LE(16) + 1n, 16);
	return out;
}

beforeAll(async () => {
	hub = await startFakeHub();
	client = new HubClient({ endpoint: hub.url, backoffMs: 10 });
	q4 = (await client.files(PHI3_REPO))[0];
	const original = Buffer.from(await (await client.fetch(client.resolveUrl(PHI3_REPO, PHI3_Q4))).arrayBuffer());
	hub.addRepo(BIG, {
		files: { [BIG_FILE]: withBigHeader(original, 6 * 2 ** 20), "fake-Q4_0.gguf": Buffer.from("<html>hi</html>") },
	});
	other = await startRecordingServer("secret");
});
afterAll(async () => {
	other.close();
	await hub.stop();
});
afterEach(() => {
	hub.faults.clear();
	hub.requests.length = 0;
	other.hits.length = 0;
});

describe("HubClient.header: remote GGUF headers through Hearth's own fetch", () => {
	it("does not follow a redirect that only GET gets, to another port on loopback (the probe's SSRF)", async () => {
		hub.faults.set(PHI3_Q4, { getRedirectTo: `${other.url}/latest/meta-data/` });
		const error = await client.header(PHI3_REPO, q4).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HubError);
		expect((error as HubError).kind).toBe("unsafe_redirect");
		expect(other.hits).toEqual([]);
	});

	it("refuses redirects to loopback, private and link-local addresses and localhost names, https or not", async () => {
		const targets = [
			"https://127.0.0.2:9/x",
			"https://0x7f000002:9/x",
			"https://[::1]:9/x",
			"https://[::ffff:127.0.0.3]:9/x",
			"https://0.0.0.0:9/x",
			"https://localhost:9/x",
			"https://models.localhost:9/x",
		];
		for (const target of targets) {
			hub.faults.set(PHI3_Q4, { redirectTo: target });
			const error = await client.fetch(client.resolveUrl(PHI3_REPO, PHI3_Q4)).catch((e: unknown) => e);
			expect((error as HubError).kind, target).toBe("unsafe_redirect");
		}
	});

	it("reads a header bigger than the first range in growing Range requests, without the tensor data", async () => {
		const big = (await client.files(BIG)).find((f) => f.path === BIG_FILE) as HubFile;
		const header = await client.header(BIG, big);
		expect(header).toMatchObject({ architecture: "phi3", contextLength: 4096 });
		const reads = hub.requests.filter((r) => r.path.startsWith("/blobs/") && r.method === "GET");
		expect(reads.length).toBeGreaterThanOrEqual(2);
		for (const r of reads) expect(r.range).toMatch(/^bytes=\d+-\d+$/);
		const asked = reads.reduce((n, r) => {
			const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(r.range ?? "") ?? [];
			return n + Number(b) - Number(a) + 1;
		}, 0);
		expect(asked).toBeLessThanOrEqual(16 * 2 ** 20);
	});

	it("reads a file's header once: asking again (the repo page, then its download) costs no request", async () => {
		const big = (await client.files(BIG)).find((f) => f.path === BIG_FILE) as HubFile;
		const first = await client.header(BIG, big, 2048);
		const before = hub.requests.length;
		expect(await client.header(BIG, big, 2048)).toEqual(first);
		expect(hub.requests.length).toBe(before);
		// Another context length is another estimate: read again.
		await client.header(BIG, big, 1024);
		expect(hub.requests.length).toBeGreaterThan(before);
	});

	it("refuses a header over the byte cap with a clear error", async () => {
		const big = (await client.files(BIG)).find((f) => f.path === BIG_FILE) as HubFile;
		const capped = new HubClient({ endpoint: hub.url, maxHeaderBytes: 2 * 2 ** 20 });
		const error = await capped.header(BIG, big).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HubError);
		expect((error as Error).message).toMatch(/header.*larger than the 2 MiB/);
	});

	it("says a remote file that is not GGUF is not a valid model, not that the hub cannot be reached", async () => {
		const fake = (await client.files(BIG)).find((f) => f.path === "fake-Q4_0.gguf") as HubFile;
		const error = await client.header(BIG, fake).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidModelFileError);
		expect((error as Error).message).toContain(`${BIG}/fake-Q4_0.gguf`);
	});

	it("retries 429 and 5xx on the first HEAD with backoff, honouring Retry-After, then gives up", async () => {
		hub.faults.set(PHI3_Q4, { status: 429, statusTimes: 2 });
		expect((await client.header(PHI3_REPO, q4)).architecture).toBe("phi3");
		const heads = () => hub.requests.filter((r) => r.method === "HEAD" && r.path.includes("/resolve/")).length;
		expect(heads()).toBe(3);

		const patient = new HubClient({ endpoint: hub.url, backoffMs: 120_000 });
		hub.faults.set(PHI3_Q4, { status: 503, statusTimes: 1, retryAfter: "1" });
		const started = Date.now();
		expect((await patient.header(PHI3_REPO, q4)).architecture).toBe("phi3");
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);

		hub.requests.length = 0;
		hub.faults.set(PHI3_Q4, { status: 503, statusTimes: 100 });
		const error = await new HubClient({ endpoint: hub.url, retries: 2, backoffMs: 10 })
			.header(PHI3_REPO, q4)
			.catch((e: unknown) => e);
		expect((error as HubError).kind).toBe("unavailable");
		expect(heads()).toBe(3);
	});
});
