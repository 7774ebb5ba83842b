import { randomUUID } from "node:crypto";
import type { LlamaChatResponseFunctionCallParamsChunk } from "node-llama-cpp";
import type { GenerationChunk, ToolCall } from "../Engine.js";

/** node-llama-cpp's parameters grammar ends a call's JSON with four line breaks (FunctionCallParamsGrammar). */
const PARAMS_END = "\n\n\n\n";

interface Call {
	id: string;
	name: string;
	/** The parameters text node-llama-cpp has written so far, its end marker included once written. */
	written: string;
	/** How much of the arguments was emitted. */
	shown: number;
	/** The grammar has written the whole parameters. */
	complete: boolean;
	/** LlamaChat has parsed and checked the call. */
	finished: boolean;
}

/**
 * The tool calls of an answer as node-llama-cpp writes them, streamed as GenerationChunks: each
 * call's first piece carries its new id and name with no arguments yet, the next ones its
 * arguments as they are written. The arguments are the JSON text the model wrote (under the
 * parameters' grammar), so the pieces add up to the final call's `arguments`.
 */
export class ToolCallStream {
	private readonly calls: Call[] = [];

	constructor(
		private readonly emit: (chunk: GenerationChunk) => void,
		/** Called for every piece of a call the model writes, to time the first token. */
		private readonly onWritten: () => void,
	) {}

	/** LlamaChat's `onFunctionCallParamsChunk`. */
	readonly onParamsChunk = (chunk: LlamaChatResponseFunctionCallParamsChunk): void => {
		this.onWritten();
		const call = this.call(chunk.callIndex, chunk.functionName);
		call.written += chunk.paramsChunk;
		call.complete ||= chunk.done;
		this.show(chunk.callIndex, call);
	};

	/** LlamaChat's `onFunctionCall`: the call at this index is written and checked against its schema. */
	readonly onFunctionCall = (done: { functionName: string; params: unknown }): void => {
		const index = this.calls.findIndex((c) => !c.finished);
		const at = index < 0 ? this.calls.length : index;
		const call = this.call(at, done.functionName);
		// A function without parameters is called with none written: no chunk came for it.
		if (call.written === "") {
			call.written = `${done.params === undefined ? "{}" : JSON.stringify(done.params)}${PARAMS_END}`;
			call.complete = true;
		}
		call.finished = true;
		this.show(at, call);
	};

	/**
	 * The calls, as ToolCalls. `includeUnchecked` adds a call whose parameters were written in full
	 * but failed node-llama-cpp's check (see chatResponse), which is JSON its grammar allowed.
	 */
	toolCalls(includeUnchecked = false): ToolCall[] {
		return this.calls
			.filter((c) => c.finished || (includeUnchecked && c.complete))
			.map((c) => ({ id: c.id, name: c.name, arguments: argumentsOf(c) }));
	}

	private call(index: number, name: string): Call {
		let call = this.calls[index];
		if (!call) {
			// In OpenAI's form: the client answers the call with a tool message of this toolCallId.
			call = {
				id: `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
				name,
				written: "",
				shown: 0,
				complete: false,
				finished: false,
			};
			this.calls[index] = call;
			this.emit({ type: "toolCall", index, id: call.id, name, argumentsDelta: "" });
		}
		return call;
	}

	private show(index: number, call: Call): void {
		const text = argumentsOf(call);
		if (text.length <= call.shown) return;
		this.emit({ type: "toolCall", index, id: call.id, name: call.name, argumentsDelta: text.slice(call.shown) });
		call.shown = text.length;
	}
}

/**
 * The arguments of a call as far as they can be shown: up to the end marker once it is written,
 * else without trailing line breaks, which may be the start of the marker.
 */
function argumentsOf(call: Call): string {
	const end = call.written.lastIndexOf(PARAMS_END);
	if (call.complete && end >= 0) return call.written.slice(0, end);
	return call.written.replace(/\n+$/, "");
}
