import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The hub and downloads through the native API: nothing here needs a real engine.
let server: FakeServer;
let hub: FakeHub;
let client: HearthClient;
const FP16 = "Phi-3-mini-4k-instruct-fp16.gguf";

beforeAll(async () => {
	hub = await startFakeHub();
	server = await startFakeServer({ env: { HF_ENDPOINT: hub.url } });
	client = new HearthClient(server.url);
});
afterAll(async () => {
	await server.close();
	await hub.stop();
});

describe("the hub", () => {
	it("searches the hub and lists a repo's files with fit, recommendation and download state", async () => {
		expect((await client.searchHub("phi-3")).map((m) => m.id)).toContain(PHI3_REPO);
		const files = await client.repoFiles(PHI3_REPO);
		expect(files.header).toMatchObject({ architecture: "phi3", contextLength: 4096 });
		// The model card, summarised to plain text: no badges, HTML or headings.
		expect(files.card).toEqual({
			license: "mit",
			downloads: 500_000,
			likes: 480,
			updatedAt: "2024-07-02T00:00:00.000Z",
			summary:
				"This repo provides the GGUF format for the Phi-3-Mini-4K-Instruct, a 3.8B parameters, lightweight, state-of-the-art open model trained with the Phi-3 datasets.",
		});
		const noReadme = (await client.repoFiles("someone/phi-3-medium-GGUF")).card;
		expect(noReadme?.likes).toBe(2000);
		expect(noReadme?.summary).toBeUndefined();
		expect(files.files.map((f) => [f.quantization, f.fit, f.recommended, f.downloaded])).toEqual([
			["Q4", "fits_without_gpu", true, true], // the server's store already has it
			["FP16", "fits_without_gpu", false, false],
		]);
	});
});

describe("downloads", () => {
	it("downloads with progress events, and the model appears in the store", async () => {
		const controller = new AbortController();
		const events = client.downloadEvents(controller.signal);
		const started = await client.download({ repo: PHI3_REPO, quant: "FP16" });
		expect(started).toMatchObject({ repo: PHI3_REPO, file: FP16, state: "downloading" });
		let last: { state: string; bytes: number; totalBytes: number; key?: string } | undefined;
		for await (const event of events) {
			if (event.id !== started.id) continue;
			last = event;
			if (event.state !== "downloading") break;
		}
		controller.abort();
		expect(last).toMatchObject({ state: "done", key: `${PHI3_REPO}/${FP16}` });
		expect(last?.bytes).toBe(last?.totalBytes);
		expect((await client.models()).map((m) => m.key)).toContain(`${PHI3_REPO}/${FP16}`);
		expect((await client.repoFiles(PHI3_REPO)).files.find((f) => f.quantization === "FP16")?.downloaded).toBe(true);
		await client.deleteModel(`${PHI3_REPO}/${FP16}`);
		expect((await client.models()).map((m) => m.key)).not.toContain(`${PHI3_REPO}/${FP16}`);
	});

	it("cancels a download, keeps it as paused, also across a restart, and resumes it", async () => {
		let own = await startFakeServer({ env: { HF_ENDPOINT: hub.url } });
		const home = own.env;
		hub.faults.set("*", { bytesPerSecond: 20_000 });
		try {
			let api = new HearthClient(own.url);
			const job = await api.download({ repo: PHI3_REPO, quant: "FP16" });
			// Cancel once some bytes are on disk.
			await expect
				.poll(async () => (await api.downloads()).find((d) => d.id === job.id)?.bytes ?? 0, { timeout: 10_000 })
				.toBeGreaterThan(0);
			await api.cancelDownload(job.id);
			const paused = async () => (await api.downloads()).find((d) => d.file === FP16 && d.state === "paused");
			await expect.poll(paused).toMatchObject({ repo: PHI3_REPO, state: "paused" });
			await own.close();
			own = await startFakeServer({ home });
			api = new HearthClient(own.url);
			const afterRestart = await paused();
			expect(afterRestart?.bytes).toBeGreaterThan(0);
			hub.faults.clear();
			const resumed = await api.download({ repo: PHI3_REPO, file: FP16 });
			await expect
				.poll(async () => (await api.downloads()).find((d) => d.id === resumed.id)?.state, { timeout: 10_000 })
				.toBe("done");
			expect(await paused()).toBeUndefined();
			const resumedRange = hub.requests.filter(
				(r) => r.path.startsWith("/blobs/") && r.range === `bytes=${afterRestart?.bytes}-`,
			);
			expect(resumedRange.length).toBeGreaterThan(0);
		} finally {
			hub.faults.clear();
			await own.close();
		}
	});

	it("answers a cancel of no download with 404", async () => {
		await expect(client.cancelDownload("no-such-job")).rejects.toMatchObject({ status: 404, code: "not_found" });
	});
});
