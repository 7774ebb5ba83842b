import { Markdown } from "../Markdown.js";

interface ReasoningProps {
	/** The reasoning so far. */
	text: string;
	/** Its length in the model's tokens, when the server could count it. */
	tokens: number | undefined;
	/** Whether the model is still thinking (its answer has not begun). */
	thinking: boolean;
}

/**
 * A thinking model's reasoning, above its answer and collapsed (a native `<details>`, so no script
 * or inline style is needed to open it): it is the model's working, not its answer. It is model
 * output like the answer, so it is rendered as sanitised Markdown the same way.
 */
export function Reasoning({ text, tokens, thinking }: ReasoningProps) {
	return (
		<details className="reasoning">
			<summary>{summary(tokens, thinking)}</summary>
			<Markdown text={text} />
		</details>
	);
}

function summary(tokens: number | undefined, thinking: boolean): string {
	if (thinking) return "Thinking…";
	// No count for an answer stopped by the user, or one stored before counts were kept.
	if (tokens === undefined) return "Thought";
	return `Thought for ${tokens} ${tokens === 1 ? "token" : "tokens"}`;
}
