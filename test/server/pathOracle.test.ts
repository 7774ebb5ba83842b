import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// The probe read the first bytes of /etc/passwd through the `model` field ("found 72 6f 6f 74")
// and told existing files from missing ones by the status. Paths outside the model folders are
// now 404 whatever they point at, and no message quotes a file's bytes.
let server: FakeServer;
beforeAll(async () => {
	server = await startFakeServer();
	writeFileSync(join(server.env.HEARTH_HOME ?? "", "secret.txt"), "root:x:0:0:root:/root:/bin/bash\n");
});
afterAll(() => server.close());

const ask = async (model: string) => {
	const response = await fetch(`${server.url}/v1/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 1 }),
	});
	return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
};

describe("model paths outside the model folders", () => {
	it("an existing file and a missing one get the same 404, and nothing is loaded", async () => {
		const home = server.env.HEARTH_HOME ?? "";
		const existing = await ask("/etc/passwd");
		const inHome = await ask(join(home, "secret.txt"));
		const missing = await ask("/etc/no-such-file");
		for (const answer of [existing, inHome, missing]) {
			expect(answer.status).toBe(404);
			expect(answer.body.error?.code).toBe("model_not_found");
			expect(answer.body.error?.message).not.toMatch(/72 6f|root:|found/);
		}
		expect(server.engine.loads).toEqual([]);
	});

	it("a relative path that climbs out is refused the same way", async () => {
		expect((await ask("../../../../etc/passwd")).status).toBe(404);
	});

	it("a path inside Hearth's own folder still works", async () => {
		const answer = await ask(join(server.env.HEARTH_HOME ?? "", "models", PHI3_KEY));
		expect(answer.status).toBe(200);
	});

	it("a non-GGUF file inside a model folder says so without quoting its bytes", async () => {
		const path = join(server.env.HEARTH_HOME ?? "", "models", "local", "fake", "fake.gguf");
		mkdirSync(join(path, ".."), { recursive: true });
		writeFileSync(path, "root:x:0:0:root:/root:/bin/bash\n".repeat(4));
		const answer = await ask(path);
		expect(answer.status).toBe(422);
		expect(answer.body.error?.message).toMatch(/not a GGUF file/);
		expect(answer.body.error?.message).not.toMatch(/72 6f|root:|found/);
	});
});
