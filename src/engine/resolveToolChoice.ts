import type { ToolChoice, ToolDefinition } from "./Engine.js";

/** A chat's tools after its tool choice: those offered (documented in the prompt) and those a call is forced to. */
export interface ResolvedToolChoice {
	offered: ToolDefinition[];
	/** The tools the answer must call one of; undefined when the model decides ("auto") or may not call ("none"). */
	forced: ToolDefinition[] | undefined;
}

/**
 * What a tool choice means for the tools of a chat: "none" offers none (as OpenAI's API, the model
 * does not even see them), "auto" offers them all, "required" forces a call of one of them, and a
 * name forces a call of that one while every tool stays documented. A forced call without tools,
 * or of a tool not offered, is a RangeError.
 */
export function resolveToolChoice(tools: readonly ToolDefinition[] = [], choice: ToolChoice = "auto"): ResolvedToolChoice {
	if (choice === "none") return { offered: [], forced: undefined };
	if (choice === "auto") return { offered: [...tools], forced: undefined };
	if (tools.length === 0)
		throw new RangeError(`tool choice ${JSON.stringify(choice)} forces a tool call, but the request offers no tools`);
	if (choice === "required") return { offered: [...tools], forced: [...tools] };
	const named = tools.find((t) => t.name === choice.name);
	if (!named)
		throw new RangeError(
			`tool choice names "${choice.name}", which is not one of the tools (${tools.map((t) => t.name).join(", ")})`,
		);
	return { offered: [...tools], forced: [named] };
}
