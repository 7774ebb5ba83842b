import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubClient } from "../../src/hub/HubClient.js";
import { UnsafeNameError } from "../../src/models/safeNames.js";
import type { FakeHub } from "../fixtures/fakeHub.js";
import { PHI3_REPO, startFakeHub } from "../fixtures/startFakeHub.js";

const HOSTILE = ["../x.gguf", "sub/../../x.gguf", "C:\\x.gguf", "C:x.gguf", "x\0.gguf", "/etc/x.gguf", "\\\\server\\x.gguf"];

let hub: FakeHub;
let client: HubClient;
beforeAll(async () => {
	hub = await startFakeHub();
	client = new HubClient({ endpoint: hub.url });
});
afterAll(() => hub.stop());

describe("hostile file names from the hub", () => {
	it("are left out of the listing; the repo's other files are still offered", async () => {
		hub.addRepo("probe/Hostile-Names-GGUF", {
			files: { "good-Q4_0.gguf": Buffer.from("GGUF") },
			treeEntries: HOSTILE.map((path) => ({
				type: "file",
				oid: "0".repeat(40),
				size: 1000,
				path,
				lfs: { oid: "b".repeat(64), size: 1000, pointerSize: 134 },
			})),
		});
		expect((await client.files("probe/Hostile-Names-GGUF")).map((f) => f.path)).toEqual(["good-Q4_0.gguf"]);
	});

	it("given back to Hearth (a header read), fail as unsafe names, never as an unreachable hub", async () => {
		const before = hub.requests.length;
		for (const path of HOSTILE) {
			const file = { path, sizeBytes: 1000, parts: [{ path, sizeBytes: 1000, sha256: "b".repeat(64) }] };
			await expect(client.header(PHI3_REPO, file), path).rejects.toBeInstanceOf(UnsafeNameError);
		}
		expect(hub.requests.length).toBe(before);
	});
});
