import { describe, expect, it } from "vitest";
import { HearthClient } from "../../src/api/HearthClient.js";
import { PHI3_KEY } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// Conversations of the web UI, in SQLite: nothing here needs a real engine.
describe("conversations", () => {
	it("are stored in SQLite and survive a server restart", async () => {
		let server: FakeServer | undefined = await startFakeServer();
		const home = server.env;
		try {
			const api = new HearthClient(server.url);
			const chat = await api.createChat({ title: "Taiwan", model: PHI3_KEY, systemPrompt: "Be brief." });
			const question = await api.appendMessage(chat.id, { role: "user", content: "where is taiwan" });
			await api.appendMessage(chat.id, {
				role: "assistant",
				content: "East Asia",
				stats: {
					promptTokens: 9,
					generatedTokens: 3,
					timeToFirstTokenMs: 40,
					tokensPerSecond: 30,
					totalMs: 140,
					stopReason: "eos",
					seed: 1,
					truncatedPromptTokens: 0,
					cachedPromptTokens: 0,
				},
			});
			await server.close();
			server = await startFakeServer({ home });
			const again = new HearthClient(server.url);
			const { conversation, messages } = await again.chatWithMessages(chat.id);
			expect(conversation).toMatchObject({ title: "Taiwan", model: PHI3_KEY, systemPrompt: "Be brief." });
			expect(messages.map((m) => m.content)).toEqual(["where is taiwan", "East Asia"]);
			expect(messages[1].stats?.stopReason).toBe("eos");

			expect((await again.chats("taiwan")).map((c) => c.id)).toEqual([chat.id]);
			await again.updateChat(chat.id, { title: "Islands" });
			expect((await again.chatWithMessages(chat.id)).conversation.title).toBe("Islands");
			const branch = await again.branchChat(chat.id, question.id);
			expect((await again.chatWithMessages(branch.id)).messages.map((m) => m.content)).toEqual(["where is taiwan"]);
			expect((await again.rewriteMessage(chat.id, question.id, "where is japan")).map((m) => m.content)).toEqual([
				"where is japan",
			]);
			const imported = await again.importChat(await again.exportChat(chat.id));
			expect((await again.chatWithMessages(imported.id)).messages.map((m) => m.content)).toEqual(["where is japan"]);
			expect((await again.chats()).map((c) => c.id)).toEqual(expect.arrayContaining([chat.id, branch.id, imported.id]));
			await again.deleteChat(chat.id);
			await expect(again.chatWithMessages(chat.id)).rejects.toMatchObject({ status: 404, code: "conversation_not_found" });
		} finally {
			await server?.close();
		}
	});
});
