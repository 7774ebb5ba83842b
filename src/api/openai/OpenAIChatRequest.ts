import { z } from "zod";
import { SamplingFields } from "./SamplingFields.js";

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
/** A document attached to a message: its name and its bytes as a data URL (a `file_id` of OpenAI's Files API is refused). */
export const OpenAIFilePart = z.object({
	type: z.literal("file"),
	file: z.object({ filename: z.string().max(500).optional(), file_data: z.string().optional(), file_id: z.string().optional() }),
});
export type OpenAIFilePart = z.infer<typeof OpenAIFilePart>;
/** Message content: a string, or text and file parts (images are not supported by llama.cpp text models). */
const Content = z.union([z.string(), z.array(z.discriminatedUnion("type", [TextPart, OpenAIFilePart]))]);

export const OpenAIToolCall = z.object({
	id: z.string(),
	type: z.literal("function"),
	function: z.object({ name: z.string(), arguments: z.string() }),
});

export const OpenAIChatMessage = z.discriminatedUnion("role", [
	z.looseObject({ role: z.literal("system"), content: Content }),
	/** OpenAI's newer name for system messages. */
	z.looseObject({ role: z.literal("developer"), content: Content }),
	z.looseObject({ role: z.literal("user"), content: Content }),
	z.looseObject({
		role: z.literal("assistant"),
		content: Content.nullish(),
		tool_calls: z.array(OpenAIToolCall).nullish(),
		/** llama-server's and LM Studio's field for a thinking model's reasoning; templates drop it from earlier turns, and so does Hearth. */
		reasoning_content: z.string().nullish(),
	}),
	/** A function's result, answering the assistant's tool call `tool_call_id`. */
	z.looseObject({ role: z.literal("tool"), content: Content, tool_call_id: z.string() }),
]);
export type OpenAIChatMessage = z.infer<typeof OpenAIChatMessage>;

/** `response_format`: free text, any JSON object, or JSON matching a schema — enforced by grammar. */
export const ResponseFormat = z.discriminatedUnion("type", [
	z.object({ type: z.literal("text") }),
	z.object({ type: z.literal("json_object") }),
	z.object({
		type: z.literal("json_schema"),
		json_schema: z.looseObject({
			name: z.string().optional(),
			schema: z.record(z.string(), z.unknown()),
			strict: z.boolean().nullish(),
		}),
	}),
]);

/** POST /v1/chat/completions, as the OpenAI API defines it, plus llama.cpp's sampling fields. */
export const OpenAIChatRequest = z.looseObject({
	...SamplingFields,
	/** Model key, short key or path; loaded just in time. */
	model: z.string().min(1),
	messages: z.array(OpenAIChatMessage).min(1),
	response_format: ResponseFormat.nullish(),
	/** Functions the model may call. */
	tools: z
		.array(
			z.object({
				type: z.literal("function"),
				function: z.looseObject({
					name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, "function names are letters, digits, _ and -"),
					description: z.string().optional(),
					parameters: z.record(z.string(), z.unknown()).optional(),
				}),
			}),
		)
		.nullish(),
	/**
	 * "auto" (default with tools), "none" (the tools are not offered), "required" (a call of one of
	 * the tools) or a named function to call; a forced call is forced by grammar, arguments and all.
	 */
	tool_choice: z
		.union([
			z.enum(["auto", "none", "required"]),
			z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
		])
		.nullish(),
});
export type OpenAIChatRequest = z.infer<typeof OpenAIChatRequest>;
