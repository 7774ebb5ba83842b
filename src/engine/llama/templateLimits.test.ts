import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testModel } from "../../../test/fixtures/testModel.js";
import { InvalidModelFileError } from "../../models/InvalidModelFileError.js";
import { startServer } from "../../server/startServer.js";
import { LlamaCppEngine } from "./LlamaCppEngine.js";
import { TEMPLATE_LIMITS } from "./templateLimits.js";

// A chat template is code from the GGUF file. The probe's templates: nested range(10^8) loops that
// never end, and a 10 MB one that took 37 s to load.
const NEVER_ENDS = "{% for i in range(100000000) %}{% for j in range(100000000) %}{% endfor %}{% endfor %}";
const engine = new LlamaCppEngine({ threads: 1 });
afterAll(() => engine.dispose());

describe("chat template limits", () => {
	it("a template that never ends fails the load within the limit, naming the template, and kills its runner", async () => {
		const path = await testModel({ type: "F32", chatTemplate: NEVER_ENDS });
		const started = performance.now();
		const error = await engine.load(path, { id: "hostile" }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidModelFileError);
		expect((error as Error).message).toMatch(/chat template did not finish rendering a two-message chat in 5 s/);
		expect(performance.now() - started).toBeLessThan(TEMPLATE_LIMITS.renderMs + 10_000);
		expect(engine.listLoaded()).toEqual([]);
	}, 30_000);

	it("a template over the size limit is refused before a runner starts", async () => {
		const huge = `{{ messages[0].content }}${"{# padding #}".repeat(TEMPLATE_LIMITS.maxBytes / 10)}`;
		const path = await testModel({ type: "F32", chatTemplate: huge });
		const started = performance.now();
		await expect(engine.load(path, { id: "huge" })).rejects.toThrow(
			/chat template is \d+ KiB; Hearth refuses templates over 256 KiB/,
		);
		expect(performance.now() - started).toBeLessThan(3_000);
	});

	it("a template whose output is absurd is refused", async () => {
		const path = await testModel({ type: "F32", chatTemplate: "{% for i in range(120000) %}xxxxxxxxxx{% endfor %}" });
		await expect(engine.load(path, { id: "verbose" })).rejects.toThrow(/renders a two-message chat as \d+ bytes/);
	}, 30_000);

	it("the server answers other requests while such a model fails to load", async () => {
		const home = mkdtempSync(join(tmpdir(), "hearth-template-"));
		const key = "local/hostile/hostile-F32.gguf";
		mkdirSync(dirname(join(home, "models", key)), { recursive: true });
		copyFileSync(await testModel({ type: "F32", chatTemplate: NEVER_ENDS }), join(home, "models", key));
		const server = await startServer({
			port: 0,
			env: { HEARTH_HOME: home, HEARTH_OTHER_APPS: "off", HEARTH_THREADS: "1", HEARTH_LOG_LEVEL: "error" },
			print: () => {},
		});
		try {
			const load = fetch(`${server.url}/hearth/models/load`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ model: key }),
			});
			await new Promise((resolve) => setTimeout(resolve, 1_500));
			const before = performance.now();
			expect((await fetch(`${server.url}/health`)).status).toBe(200);
			expect(performance.now() - before).toBeLessThan(1_000);
			const response = await load;
			expect(response.status).toBe(422);
			expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/chat template did not finish/);
		} finally {
			await server.close();
		}
	}, 30_000);
});
