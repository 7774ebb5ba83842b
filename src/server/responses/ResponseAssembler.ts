import { randomBytes } from "node:crypto";
import type { ResponsesStreamEvent } from "../../api/openai/ResponsesEvents.js";
import type {
	ResponsesEcho,
	ResponsesObject,
	ResponsesOutputItem,
	ResponsesOutputText,
	ResponsesReasoningText,
	ResponsesUsage,
} from "../../api/openai/ResponsesObject.js";
import type { GenerationChunk, GenerationResult } from "../../engine/Engine.js";
import type { HttpError } from "../HttpError.js";
import { stopReasonIn } from "../stopReasonNames.js";

type Event = ResponsesStreamEvent;
type EventOf<T extends Event["type"]> = Extract<Event, { type: T }>;
type ItemStatus = "completed" | "incomplete";

/** The output item being written: a message or reasoning (its text so far), or a function call (its arguments so far). */
type OpenItem =
	| { kind: "message" | "reasoning"; index: number; id: string; text: string }
	| { kind: "call"; index: number; id: string; piece: number; callId: string; name: string; arguments: string };

export interface ResponseAssemblerOptions {
	/** "resp_…". */
	id: string;
	/** Unix seconds. */
	createdAt: number;
	/** The model's key. */
	model: string;
	echo: ResponsesEcho;
	/** Ids for output items ("msg", "fc", "rs" and a random suffix by default); tests give their own. */
	newId?: (prefix: "msg" | "fc" | "rs") => string;
}

/**
 * Builds a response from a generation's chunks, as the stream of events OpenAI's Responses API
 * sends and as the response object at the end; the same for a streamed and a whole answer. Pure:
 * no I/O, ids from `newId`. Each run of text or reasoning chunks is one item, each tool call
 * (by its piece index) another, in the order they came. What the engine gave only in its result
 * (tool calls before the engine streams them, reasoning, text) is added as items at the end.
 */
export class ResponseAssembler {
	private sequence = 0;
	private readonly output: ResponsesOutputItem[] = [];
	private open: OpenItem | undefined;
	/** Tool call pieces already made into items (or left out), by piece index; and their call ids. */
	private readonly pieces = new Set<number>();
	private readonly callIds = new Set<string>();
	private readonly kinds = new Set<OpenItem["kind"]>();
	private status: ResponsesObject["status"] = "in_progress";
	private incomplete: ResponsesObject["incomplete_details"] = null;
	private usage: ResponsesUsage | null = null;
	private readonly newId: (prefix: "msg" | "fc" | "rs") => string;

	constructor(private readonly options: ResponseAssemblerOptions) {
		this.newId = options.newId ?? ((prefix) => `${prefix}_${randomBytes(16).toString("hex")}`);
	}

	/** The response as it stands (in progress until `finish`). */
	get response(): ResponsesObject {
		const { echo } = this.options;
		return {
			id: this.options.id,
			object: "response",
			created_at: this.options.createdAt,
			status: this.status,
			error: null,
			incomplete_details: this.incomplete,
			instructions: echo.instructions,
			max_output_tokens: echo.max_output_tokens,
			model: this.options.model,
			output: structuredClone(this.output),
			parallel_tool_calls: echo.parallel_tool_calls,
			previous_response_id: echo.previous_response_id,
			store: echo.store,
			temperature: echo.temperature,
			text: echo.text,
			tool_choice: echo.tool_choice,
			tools: echo.tools,
			top_p: echo.top_p,
			truncation: echo.truncation,
			usage: this.usage,
			metadata: echo.metadata,
		};
	}

	/** response.created and response.in_progress. */
	start(): Event[] {
		return [
			this.event("response.created", { response: this.response }),
			this.event("response.in_progress", { response: this.response }),
		];
	}

	/** The events one chunk makes. */
	push(chunk: GenerationChunk): Event[] {
		const events: Event[] = [];
		if (chunk.type === "toolCall") {
			const open = this.open;
			if (open?.kind === "call" && open.piece === chunk.index) {
				if (chunk.argumentsDelta) events.push(...this.appendArguments(open, chunk.argumentsDelta));
				return events;
			}
			if (this.pieces.has(chunk.index)) return events;
			this.pieces.add(chunk.index);
			// With parallel_tool_calls false, only the first call is kept.
			if (!this.options.echo.parallel_tool_calls && this.callIds.size > 0) return events;
			const call = this.begin(events, "call", { piece: chunk.index, callId: chunk.id, name: chunk.name });
			if (chunk.argumentsDelta && call.kind === "call") events.push(...this.appendArguments(call, chunk.argumentsDelta));
			return events;
		}
		if (chunk.text === "") return events;
		const kind = chunk.type === "text" ? "message" : "reasoning";
		const open = this.open?.kind === kind ? this.open : this.begin(events, kind);
		if (open.kind === "call") return events;
		open.text += chunk.text;
		const at = { item_id: open.id, output_index: open.index, content_index: 0, delta: chunk.text };
		events.push(
			kind === "message"
				? this.event("response.output_text.delta", { ...at, logprobs: [] })
				: this.event("response.reasoning_text.delta", at),
		);
		return events;
	}

	/** The events that end the response: what the result adds, the last item's end, then response.completed or .incomplete. */
	finish(result: GenerationResult): Event[] {
		const events: Event[] = [];
		if (result.reasoning && !this.kinds.has("reasoning"))
			events.push(...this.push({ type: "reasoning", text: result.reasoning }));
		if (result.text && !this.kinds.has("message")) events.push(...this.push({ type: "text", text: result.text }));
		// The result's calls that were streamed already: the same id, or (should the ids differ) the same place.
		const streamed = this.pieces.size;
		for (const [i, call] of (result.toolCalls ?? []).entries()) {
			if (this.callIds.has(call.id) || i < streamed) continue;
			events.push(
				...this.push({
					type: "toolCall",
					index: -1 - this.pieces.size,
					id: call.id,
					name: call.name,
					argumentsDelta: call.arguments,
				}),
			);
		}
		// An answer with nothing in it is still a message, with empty text, as clients look for one.
		if (this.output.length === 0) this.begin(events, "message");
		const end = stopReasonIn("responses", result.stats.stopReason);
		this.close(events, end === "completed" ? "completed" : "incomplete");
		const { promptTokens, cachedPromptTokens, generatedTokens } = result.stats;
		this.usage = {
			input_tokens: promptTokens,
			input_tokens_details: { cached_tokens: cachedPromptTokens },
			output_tokens: generatedTokens,
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: promptTokens + generatedTokens,
		};
		if (end === "completed") this.status = "completed";
		else {
			this.status = "incomplete";
			this.incomplete = { reason: end };
		}
		events.push(this.event(end === "completed" ? "response.completed" : "response.incomplete", { response: this.response }));
		return events;
	}

	/** OpenAI's streaming error event, numbered after the events sent before it. */
	error(error: HttpError): EventOf<"error"> {
		return this.event("error", { code: error.code, message: error.message, param: error.param });
	}

	private begin(events: Event[], kind: "message" | "reasoning"): OpenItem;
	private begin(events: Event[], kind: "call", call: { piece: number; callId: string; name: string }): OpenItem;
	private begin(events: Event[], kind: OpenItem["kind"], call?: { piece: number; callId: string; name: string }): OpenItem {
		this.close(events, "completed");
		const index = this.output.length;
		this.kinds.add(kind);
		let open: OpenItem;
		if (kind === "call" && call) {
			open = { kind, index, id: this.newId("fc"), ...call, arguments: "" };
			this.callIds.add(call.callId);
		} else
			open = {
				kind: kind === "reasoning" ? "reasoning" : "message",
				index,
				id: this.newId(kind === "reasoning" ? "rs" : "msg"),
				text: "",
			};
		this.open = open;
		this.output.push(this.item(open, "in_progress"));
		events.push(this.event("response.output_item.added", { output_index: index, item: this.item(open, "in_progress") }));
		if (open.kind !== "call")
			events.push(
				this.event("response.content_part.added", {
					item_id: open.id,
					output_index: index,
					content_index: 0,
					part: this.part(open.kind, ""),
				}),
			);
		return open;
	}

	private appendArguments(open: Extract<OpenItem, { kind: "call" }>, delta: string): Event[] {
		open.arguments += delta;
		return [this.event("response.function_call_arguments.delta", { item_id: open.id, output_index: open.index, delta })];
	}

	/** Ends the open item, if any: its done events, and its final form in `output`. */
	private close(events: Event[], status: ItemStatus): void {
		const open = this.open;
		if (!open) return;
		this.open = undefined;
		const at = { item_id: open.id, output_index: open.index };
		if (open.kind === "call")
			events.push(this.event("response.function_call_arguments.done", { ...at, name: open.name, arguments: open.arguments }));
		else {
			const part = { ...at, content_index: 0 };
			events.push(
				open.kind === "message"
					? this.event("response.output_text.done", { ...part, text: open.text, logprobs: [] })
					: this.event("response.reasoning_text.done", { ...part, text: open.text }),
			);
			events.push(this.event("response.content_part.done", { ...part, part: this.part(open.kind, open.text) }));
		}
		this.output[open.index] = this.item(open, status);
		events.push(this.event("response.output_item.done", { output_index: open.index, item: this.item(open, status) }));
	}

	/** An item as it stands: empty while in progress (clients add the deltas to it), whole once done. */
	private item(open: OpenItem, status: "in_progress" | ItemStatus): ResponsesOutputItem {
		const done = status !== "in_progress";
		if (open.kind === "call")
			return {
				id: open.id,
				type: "function_call",
				status,
				arguments: done ? open.arguments : "",
				call_id: open.callId,
				name: open.name,
			};
		if (open.kind === "reasoning")
			return { id: open.id, type: "reasoning", summary: [], content: done ? [this.part("reasoning", open.text)] : [] };
		return { id: open.id, type: "message", status, content: done ? [this.part("message", open.text)] : [], role: "assistant" };
	}

	private part(kind: "message", text: string): ResponsesOutputText;
	private part(kind: "reasoning", text: string): ResponsesReasoningText;
	private part(kind: "message" | "reasoning", text: string): ResponsesOutputText | ResponsesReasoningText;
	private part(kind: "message" | "reasoning", text: string): ResponsesOutputText | ResponsesReasoningText {
		return kind === "message" ? { type: "output_text", annotations: [], logprobs: [], text } : { type: "reasoning_text", text };
	}

	/** An event with the next sequence number; `type` and `sequence_number` first, as OpenAI writes them. */
	private event<T extends Event["type"]>(type: T, body: Omit<EventOf<T>, "type" | "sequence_number">): EventOf<T> {
		return { type, sequence_number: this.sequence++, ...body } as EventOf<T>;
	}
}
