import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeHub } from "../../test/fixtures/fakeHub.js";
import { PHI3_Q4, PHI3_REPO, startFakeHub } from "../../test/fixtures/startFakeHub.js";
import { UnsafeNameError } from "../models/safeNames.js";
import { createHubFetch } from "./createHubFetch.js";
import { HubError } from "./errors/HubError.js";
import { HubClient } from "./HubClient.js";

let hub: FakeHub;
let client: HubClient;
beforeAll(async () => {
	hub = await startFakeHub();
	client = new HubClient({ endpoint: hub.url });
});
afterAll(() => hub.stop());

describe("HubClient", () => {
	it("searches GGUF repos, most downloaded first, or by likes, with a limit", async () => {
		const found = await client.search("phi-3");
		expect(found.map((m) => m.id)).toEqual([PHI3_REPO, "someone/phi-3-medium-GGUF"]);
		expect(found[0]).toMatchObject({ downloads: 500_000, likes: 480, gated: false });
		expect((await client.search("phi-3", { sort: "likes" }))[0].id).toBe("someone/phi-3-medium-GGUF");
		expect(await client.search("phi-3", { limit: 1 })).toHaveLength(1);
		expect(await client.search("no-such-thing")).toEqual([]);
	});

	it("lists a repo's GGUF files with size, sha256 and quantization, split parts grouped, projectors left out", async () => {
		const files = await client.files("bartowski/Tiny-Llama-GGUF");
		expect(files.map((f) => [f.path, f.quantization, f.parts.length])).toEqual([
			["Tiny-Llama-Q4_K_M.gguf", "Q4_K_M", 1],
			["Tiny-Llama-Q8_0.gguf", "Q8_0", 1],
			["Tiny-Llama-Q2_K-00001-of-00002.gguf", "Q2_K", 2],
		]);
		const split = files[2];
		expect(split.sizeBytes).toBe(split.parts[0].sizeBytes + split.parts[1].sizeBytes);
		expect(split.parts[0].sha256).toBe(hub.sha256Of("bartowski/Tiny-Llama-GGUF", "Tiny-Llama-Q2_K-00001-of-00002.gguf"));
		const phi3 = await client.files(PHI3_REPO);
		expect(phi3.map((f) => f.quantization)).toEqual(["Q4", "FP16"]);
	});

	it("reads a remote GGUF header with Range requests, without downloading the file", async () => {
		const [q4] = await client.files(PHI3_REPO);
		const before = hub.requests.length;
		const header = await client.header(PHI3_REPO, q4);
		expect(header).toMatchObject({ architecture: "phi3", contextLength: 4096 });
		expect(header.parameterCount).toBeGreaterThan(100_000);
		expect(header.memory.cpuOnlyRamBytes).toBeGreaterThan(q4.sizeBytes);
		const blobReads = hub.requests.slice(before).filter((r) => r.path.startsWith("/blobs/") && r.method === "GET");
		expect(blobReads.length).toBeGreaterThan(0);
		expect(blobReads.every((r) => r.range !== undefined)).toBe(true);
	});

	it("explains 401 on a gated repo with HF_TOKEN, and works with a token", async () => {
		const error = await client.files("meta-llama/Llama-gated-GGUF").catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HubError);
		expect((error as HubError).kind).toBe("unauthorized");
		expect((error as Error).message).toMatch(/gated.*HF_TOKEN/);
		const authorized = new HubClient({ endpoint: hub.url, token: hub.token });
		expect((await authorized.files("meta-llama/Llama-gated-GGUF")).map((f) => f.path)).toEqual(["llama-gated-Q4_0.gguf"]);
	});

	it("says what was not found, and that a hub that cannot be reached cannot be reached", async () => {
		const missing = await client.files("nobody/nothing-GGUF").catch((e: unknown) => e);
		expect((missing as HubError).kind).toBe("not_found");
		expect((missing as Error).message).toContain("nobody/nothing-GGUF");
		const offline = await new HubClient({ endpoint: "http://127.0.0.1:9" }).search("phi-3").catch((e: unknown) => e);
		expect((offline as HubError).kind).toBe("unavailable");
		expect((offline as Error).message).toContain("Could not reach Hugging Face at http://127.0.0.1:9");
	});

	it("checks repo and file names before any request", async () => {
		const before = hub.requests.length;
		for (const repo of ["../etc", "a/b/c", "a", "a/..", "C:/x"])
			await expect(client.files(repo)).rejects.toBeInstanceOf(UnsafeNameError);
		for (const file of ["../../x.gguf", "/etc/passwd", "a\\b.gguf", "x\0.gguf"])
			expect(() => client.resolveUrl(PHI3_REPO, file)).toThrow(UnsafeNameError);
		expect(hub.requests.length).toBe(before);
	});
});

describe("createHubFetch", () => {
	it("sends the token to the endpoint's origin only, and refuses redirects to plain-http strangers", async () => {
		const seen: (string | undefined)[] = [];
		const other = createServer((req, res) => {
			seen.push(req.headers.authorization);
			res.end("ok");
		});
		await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
		const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
		try {
			const fetch = createHubFetch(hub.url, hub.token);
			await fetch(`${otherUrl}/x`, { headers: { Authorization: "Bearer leaked" } });
			expect(seen).toEqual([undefined]);
			await fetch(`${hub.url}/api/models?search=phi`);
			expect(hub.requests.at(-1)?.authorization).toBe(`Bearer ${hub.token}`);
			hub.faults.set(PHI3_Q4, { redirectTo: `${otherUrl}/blob` });
			const error = await fetch(client.resolveUrl(PHI3_REPO, PHI3_Q4)).catch((e: unknown) => e);
			expect((error as HubError).kind).toBe("unsafe_redirect");
			expect(seen).toHaveLength(1);
		} finally {
			hub.faults.clear();
			other.close();
		}
	});
});
