import type { NativeChatRequest } from "../../../src/api/native/NativeChat.js";
import type { StoredMessage } from "../../../src/api/native/NativeChats.js";
import type { ChatSettings } from "./ChatSettings.js";

/**
 * The native chat request that answers `history`, with the system prompt and sampling form as they
 * are now. Earlier answers go back as their text only: their reasoning was the model's working for
 * that turn, and thinking models' templates leave it out of later turns too.
 */
export function chatRequest({
	model,
	system,
	settings,
	history,
}: {
	model: string;
	system: string;
	settings: ChatSettings;
	history: StoredMessage[];
}): NativeChatRequest {
	return {
		model,
		messages: [
			...(system ? [{ role: "system" as const, content: system }] : []),
			...history.map((m) => ({
				role: m.role,
				content: m.content,
				// Kept files go by hash: the server reads them from HEARTH_HOME/attachments.
				...(m.attachments?.length ? { attachments: m.attachments.map(({ name, mime, hash }) => ({ name, mime, hash })) } : {}),
			})),
		],
		embeddingModel: settings.embeddingModel || undefined,
		mcpTools: settings.mcpTools || undefined,
		temperature: optionalNumber(settings.temperature),
		topP: optionalNumber(settings.topP),
		topK: optionalNumber(settings.topK),
		minP: optionalNumber(settings.minP),
		repeatPenalty: optionalNumber(settings.repeatPenalty),
		maxTokens: optionalNumber(settings.maxTokens),
		seed: optionalNumber(settings.seed),
		stop: settings.stop
			? settings.stop
					.split(",")
					.map((s) => s.trim())
					.filter(Boolean)
			: undefined,
		contextOverflowPolicy: settings.overflow,
	};
}

/** A blank field is left out so the server's default applies. */
function optionalNumber(value: string): number | undefined {
	return value.trim() === "" ? undefined : Number(value);
}
