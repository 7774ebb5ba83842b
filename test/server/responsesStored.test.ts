import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// Stored responses on the fake engine, through the official openai client: retrieve and delete,
// store: false, and previous_response_id of a response that is not (or no longer) stored.
let server: FakeServer;
let openai: OpenAI;

beforeAll(async () => {
	server = await startFakeServer();
	openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
});
afterAll(() => server.close());

describe("stored responses", () => {
	it("retrieves a stored response as it was answered, deletes it, then answers 404", async () => {
		const created = await openai.responses.create({ model: PHI3_KEY, input: "where is taiwan", max_output_tokens: 5 });
		expect(await openai.responses.retrieve(created.id)).toEqual(created);
		const deleted = (await openai.responses.delete(created.id)) as unknown;
		expect(deleted).toEqual({ id: created.id, object: "response.deleted", deleted: true });
		await expect(openai.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404, code: "response_not_found" });
		await expect(openai.responses.delete(created.id)).rejects.toMatchObject({ status: 404 });
		await expect(
			openai.responses.create({ model: PHI3_KEY, input: "more", previous_response_id: created.id }),
		).rejects.toMatchObject({ status: 404, code: "previous_response_not_found", param: "previous_response_id" });
	});

	it("keeps no response made with store: false", async () => {
		const created = await openai.responses.create({
			model: PHI3_KEY,
			input: "where is taiwan",
			max_output_tokens: 2,
			store: false,
		});
		// `store` is in OpenAI's response objects, not in the SDK's type.
		expect((created as unknown as { store: boolean }).store).toBe(false);
		await expect(openai.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
		await expect(
			openai.responses.create({ model: PHI3_KEY, input: "more", previous_response_id: created.id }),
		).rejects.toMatchObject({ status: 404, code: "previous_response_not_found" });
	});

	it("answers an unknown previous_response_id with 404 in OpenAI's error shape", async () => {
		await expect(
			openai.responses.create({ model: PHI3_KEY, input: "hi", previous_response_id: "resp_nope" }),
		).rejects.toMatchObject({
			status: 404,
			error: { type: "not_found_error", code: "previous_response_not_found", param: "previous_response_id" },
		});
	});
});
