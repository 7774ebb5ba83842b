import OpenAI, { NotFoundError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

let server: FakeServer;
let openai: OpenAI;
beforeAll(async () => {
	server = await startFakeServer();
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "x", maxRetries: 0 });
});
afterAll(() => server.close());

describe("the openai client's models API", () => {
	it("retrieves one model by its key, slashes and all, with the file's time as created", async () => {
		const model = await openai.models.retrieve(PHI3_KEY);
		expect(model).toMatchObject({ id: PHI3_KEY, object: "model", owned_by: "microsoft" });
		expect(model.created * 1000).toBeGreaterThan(Date.parse("2020-01-01"));
		expect(model.created * 1000).toBeLessThanOrEqual(Date.now());
	});

	it("lists the same model the same way", async () => {
		const listed = (await openai.models.list()).data.find((m) => m.id === PHI3_KEY);
		expect(listed).toEqual(await openai.models.retrieve(PHI3_KEY));
	});

	it("answers an unknown model with the client's NotFoundError", async () => {
		await expect(openai.models.retrieve("nobody/none/none.gguf")).rejects.toBeInstanceOf(NotFoundError);
	});
});
