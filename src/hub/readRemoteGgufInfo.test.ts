import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ggufMutations, mutateGguf } from "../../test/fixtures/gguf/ggufMutation.js";
import { testModel } from "../../test/fixtures/testModel.js";
import { InvalidModelFileError } from "../models/InvalidModelFileError.js";
import type { HubFetch } from "./createHubFetch.js";
import { HubError } from "./errors/HubError.js";
import { type RemoteGgufOptions, readRemoteGgufInfo } from "./readRemoteGgufInfo.js";

let model: Buffer;
beforeAll(async () => {
	model = readFileSync(await testModel({ type: "Q4_0" }));
});

/** A server of `file` in memory that honours `bytes=a-b` (or, with `ignoreRange`, sends it all), logging each range. */
function served(file: Buffer, ranges: string[], ignoreRange = false): HubFetch {
	return async (_url, init) => {
		const range = new Headers(init?.headers).get("range") ?? "";
		ranges.push(range);
		const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(range) ?? [];
		if (ignoreRange || a === undefined) return new Response(file, { status: 200 });
		const start = Number(a);
		if (start >= file.length) return new Response(null, { status: 416 });
		const end = Math.min(Number(b), file.length - 1);
		return new Response(file.subarray(start, end + 1), {
			status: 206,
			headers: { "Content-Range": `bytes ${start}-${end}/${file.length}` },
		});
	};
}

function options(file: Buffer, fetch: HubFetch, extra: Partial<RemoteGgufOptions> = {}): RemoteGgufOptions {
	return {
		url: "https://hub.test/x.gguf",
		fetch,
		sizeBytes: file.length,
		maxBytes: 64 * 2 ** 20,
		label: "probe/x.gguf",
		tokenSet: false,
		retry: { retries: 0, backoffMs: 1 },
		...extra,
	};
}

describe("readRemoteGgufInfo", () => {
	it("reads the metadata and tensor table from the first range, and keeps the header bytes, not a path", async () => {
		const ranges: string[] = [];
		const info = await readRemoteGgufInfo(options(model, served(model, ranges)));
		expect((info.metadata as { general?: { architecture?: string } }).general?.architecture).toBe("phi3");
		expect(info.fullTensorInfo?.length).toBeGreaterThan(0);
		expect(info.sourceData).toEqual([expect.objectContaining({ type: "buffer" })]);
		expect(ranges).toEqual([`bytes=0-${model.length - 1}`]);
	});

	it("keeps only what it asked for from a server that ignores Range", async () => {
		const big = Buffer.concat([model, Buffer.alloc(8 * 2 ** 20)]);
		const info = await readRemoteGgufInfo(options(big, served(big, [], true), { maxBytes: 2 ** 20 }));
		expect(info.fullTensorInfo?.length).toBeGreaterThan(0);
	});

	it("says a file that ends before its header does is not a valid model", async () => {
		const cut = model.subarray(0, 5000);
		const error = await readRemoteGgufInfo(options(cut, served(cut, []), { sizeBytes: model.length })).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidModelFileError);
		expect((error as Error).message).toMatch(/ends early/);
	});

	it("on mutated headers fails only with a clear error, and never asks for more than the cap", async () => {
		const maxBytes = 256 * 1024;
		await fc.assert(
			fc.asyncProperty(ggufMutations(model.length, 40_000), async (changes) => {
				const bytes = mutateGguf(model, changes);
				const ranges: string[] = [];
				await readRemoteGgufInfo(options(bytes, served(bytes, ranges), { maxBytes })).catch((error: unknown) => {
					if (!(error instanceof InvalidModelFileError || error instanceof HubError)) throw error;
				});
				for (const r of ranges) expect(Number(/-(\d+)$/.exec(r)?.[1])).toBeLessThan(maxBytes);
			}),
			{ numRuns: 150, seed: 20260301 },
		);
	});
});
