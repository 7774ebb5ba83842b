import { type ChatWrapper, JinjaTemplateChatWrapper, type LlamaModel, resolveChatWrapper } from "node-llama-cpp";

/**
 * The chat wrapper that renders the model's template: node-llama-cpp's choice, except that a
 * template's thinking tags are never lost. resolveChatWrapper prefers a specialized wrapper over
 * the GGUF's Jinja template whenever the two render plain chats alike, and some specialized
 * wrappers know no thinking tags: a Qwen3-style ChatML template on an architecture that is not
 * Qwen's gets ChatMLChatWrapper, and the model's `<think>…</think>` would be answer text. Then
 * the Jinja template's own wrapper is used, which reads the tags from how the template renders
 * `reasoning_content` (or finds known tags among the model's tokens), as its thought segments.
 * `knownJinja`: an earlier "auto" resolution of this template gave the Jinja wrapper (see
 * JinjaTemplateMemory), so it is asked for by name.
 */
export function resolveModelChatWrapper(model: LlamaModel, knownJinja = false): ChatWrapper {
	if (knownJinja) {
		const jinja = resolveChatWrapper(model, { type: "jinjaTemplate", warningLogs: false });
		if (jinja instanceof JinjaTemplateChatWrapper) return jinja;
	}
	const resolved = resolveChatWrapper(model);
	if (resolved.settings.segments?.thought || resolved instanceof JinjaTemplateChatWrapper) return resolved;
	if (typeof model.fileInfo.metadata.tokenizer?.chat_template !== "string") return resolved;
	const jinja = resolveChatWrapper(model, { type: "jinjaTemplate", warningLogs: false });
	return jinja instanceof JinjaTemplateChatWrapper && jinja.settings.segments?.thought ? jinja : resolved;
}
