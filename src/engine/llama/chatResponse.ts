import {
	type ChatWrapper,
	type LLamaChatGenerateResponseOptions,
	LlamaChat,
	type LlamaContextSequence,
	LlamaJsonSchemaValidationError,
} from "node-llama-cpp";
import type { ChatMessage, GenerationChunk, ToolCall, ToolDefinition } from "../Engine.js";
import type { AnswerRecorder } from "./AnswerRecorder.js";
import { forceFunctionCall } from "./forceFunctionCall.js";
import { ToolCallStream } from "./ToolCallStream.js";
import { toChatHistory, toFunctions } from "./toChatHistory.js";

/** LlamaChat's options that the caller chooses: sampling, limit and signal. */
export type ChatResponseOptions = Pick<
	LLamaChatGenerateResponseOptions,
	"temperature" | "topK" | "topP" | "minP" | "seed" | "repeatPenalty" | "tokenBias" | "maxTokens" | "signal" | "stopOnAbortSignal"
>;

/** What a chat answers: its messages, the tools it offers, and those a call is forced to (see resolveToolChoice). */
export interface ChatResponseRequest {
	messages: readonly ChatMessage[];
	tools: readonly ToolDefinition[];
	forced: readonly ToolDefinition[] | undefined;
}

/**
 * A chat answer through LlamaChat, for what a plain completion of the prompt cannot do: call tools
 * (LlamaChat spots the template's call syntax and writes the call under a grammar; a forced call
 * is made so from the start, see forceFunctionCall) and tell a thinking model's reasoning from its
 * answer (the wrapper's thought segments). Text and reasoning go to `answer`, tool calls to `emit`
 * as they are written. The history given to LlamaChat renders to the prompt RunnerModel fitted, so
 * the sequence's cache is reused as for any chat.
 */
export async function chatResponse(
	sequence: LlamaContextSequence,
	chatWrapper: ChatWrapper,
	request: ChatResponseRequest,
	options: ChatResponseOptions,
	answer: AnswerRecorder,
	emit: (chunk: GenerationChunk) => void,
): Promise<{ stopReason: string; toolCalls?: ToolCall[] }> {
	const { tools, forced } = request;
	const calls = new ToolCallStream(emit, answer.tokenArrived);
	const wrapper = forced ? forceFunctionCall(chatWrapper, toFunctions(tools)) : chatWrapper;
	const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper, autoDisposeSequence: false });
	const before = sequence.tokenMeter.getState();
	try {
		const response = await chat.generateResponse(toChatHistory(request.messages), {
			...options,
			onResponseChunk: answer.onResponseChunk,
			...(tools.length > 0
				? {
						functions: toFunctions(forced ?? tools),
						onFunctionCallParamsChunk: calls.onParamsChunk,
						onFunctionCall: calls.onFunctionCall,
					}
				: {}),
			contextShift: { strategy: "eraseFirstResponseAndKeepFirstSystem" },
		});
		return { stopReason: response.metadata.stopReason, toolCalls: calls.toolCalls() };
	} catch (error) {
		// The grammar of an integer lets the model write one past a double's range (1E999): node-llama-cpp
		// then parses Infinity and refuses its own call. The text is JSON that the schema allows, so
		// the call stands as written rather than failing the request.
		if (!(error instanceof LlamaJsonSchemaValidationError)) throw error;
		return { stopReason: "functionCalls", toolCalls: calls.toolCalls(true) };
	} finally {
		answer.countSampled(sequence.tokenMeter.diff(before).usedOutputTokens);
		// The sequence is the pool's: only the chat goes.
		chat.dispose({ disposeSequence: false });
	}
}
