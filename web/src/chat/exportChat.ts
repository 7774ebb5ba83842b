import type { Conversation } from "../../../src/api/native/NativeChats.js";
import { api } from "../api.js";

/** Saves a conversation as a JSON file through the browser's download, named after its title. */
export async function exportChat(conversation: Conversation) {
	const data = await api.exportChat(conversation.id);
	const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
	const link = document.createElement("a");
	link.href = url;
	link.download = `${conversation.title.replace(/[^\w .-]/g, "_")}.json`;
	link.click();
	URL.revokeObjectURL(url);
}
