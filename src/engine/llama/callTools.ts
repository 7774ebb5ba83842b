import { randomUUID } from "node:crypto";
import { type ChatWrapper, LlamaChat, type LlamaContextSequence } from "node-llama-cpp";
import type { ChatMessage, ToolCall, ToolDefinition } from "../Engine.js";
import { toChatHistory, toFunctions } from "./toChatHistory.js";

/** LlamaChat's options that the caller chooses: sampling, limit, signal and callbacks. */
export type CallToolsOptions = Omit<
	NonNullable<Parameters<LlamaChat["generateResponse"]>[1]>,
	"functions" | "contextShift" | "grammar"
>;

/**
 * A chat answer that may call `tools`. Function calling is LlamaChat's: it spots the template's
 * call syntax and writes the call under a grammar. The history given to it renders to exactly the
 * prompt RunnerModel fitted, so the sequence's cache is reused as for any chat.
 */
export async function callTools(
	sequence: LlamaContextSequence,
	chatWrapper: ChatWrapper,
	messages: readonly ChatMessage[],
	tools: readonly ToolDefinition[],
	options: CallToolsOptions,
): Promise<{ stopReason: string; toolCalls?: ToolCall[] }> {
	const chat = new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false });
	try {
		const response = await chat.generateResponse(toChatHistory(messages), {
			...options,
			functions: toFunctions(tools),
			contextShift: { strategy: "eraseFirstResponseAndKeepFirstSystem" },
		});
		return {
			stopReason: response.metadata.stopReason,
			toolCalls: response.functionCalls?.map((call) => ({
				// In OpenAI's form: the client answers the call with a tool message of this toolCallId.
				id: `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
				name: call.functionName,
				arguments: JSON.stringify(call.params ?? {}),
			})),
		};
	} finally {
		// The sequence is the pool's: only the chat goes.
		chat.dispose({ disposeSequence: false });
	}
}
