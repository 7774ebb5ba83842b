import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import { parseArgs } from "node:util";
import { downloadFile } from "../src/hub/downloadFile.js";
import { HubClient } from "../src/hub/HubClient.js";
import { FakeHub } from "../test/fixtures/fakeHub.js";

/**
 * Download throughput from the fake hub on loopback: Hearth's downloader (sha256, progress, resume
 * bookkeeping) against a plain fetch-to-file stream copy of the same URL.
 */
export async function downloadBench(args: string[]): Promise<void> {
	const { values } = parseArgs({ args, options: { mib: { type: "string", default: "256" } } });
	const size = Number(values.mib) * 2 ** 20;
	const hub = new FakeHub();
	hub.addRepo("bench/big-GGUF", { files: { "big.gguf": randomBytes(size) } });
	await hub.start();
	const dir = mkdtempSync(join(tmpdir(), "hearth-bench-dl-"));
	try {
		const client = new HubClient({ endpoint: hub.url });
		const [file] = await client.files("bench/big-GGUF");
		const url = client.resolveUrl("bench/big-GGUF", file.path);
		const rows: Record<string, { "MiB/s": number; seconds: number }> = {};
		for (let round = 0; round < 2; round++) {
			let started = performance.now();
			const response = await client.fetch(url);
			await pipeline(Readable.fromWeb(response.body as ReadableStream), createWriteStream(join(dir, `plain-${round}`)));
			const plain = (performance.now() - started) / 1000;
			started = performance.now();
			await downloadFile({
				url,
				destination: join(dir, `hearth-${round}.gguf`),
				fetch: client.fetch,
				sha256: file.parts[0].sha256,
				sizeBytes: file.sizeBytes,
			});
			const hearth = (performance.now() - started) / 1000;
			if (round === 1) {
				rows["plain stream copy"] = { "MiB/s": Math.round(size / 2 ** 20 / plain), seconds: Number(plain.toFixed(2)) };
				rows["Hearth (sha256 + progress)"] = { "MiB/s": Math.round(size / 2 ** 20 / hearth), seconds: Number(hearth.toFixed(2)) };
			}
		}
		console.log(`\ndownload benchmark — ${values.mib} MiB from the fake hub on 127.0.0.1 (second of two rounds)`);
		console.table(rows);
	} finally {
		await hub.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}
