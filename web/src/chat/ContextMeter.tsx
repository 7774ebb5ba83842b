import { OVERFLOW_POLICY_LABELS as POLICIES } from "../../../src/api/ContextOverflowPolicy.js";
import type { StoredMessage } from "../../../src/api/native/NativeChats.js";
import type { ChatSettings } from "./ChatSettings.js";

interface ContextMeterProps {
	messages: StoredMessage[];
	/** The loaded model's context, once the server has told it. */
	contextLength: number | undefined;
	overflow: ChatSettings["overflow"];
	onOverflow: (overflow: ChatSettings["overflow"]) => void;
}

/** How full the context is, and what the server should do when it is full. */
export function ContextMeter({ messages, contextLength, overflow, onOverflow }: ContextMeterProps) {
	// The last answer's prompt already held everything before it, so its stats measure the whole conversation.
	const last = [...messages].reverse().find((m) => m.stats);
	const used = last?.stats ? last.stats.promptTokens + last.stats.generatedTokens : 0;
	return (
		<span className="meter" title="Context used by the last answer">
			Context {used}
			{contextLength ? ` / ${contextLength}` : ""} ·{" "}
			<select
				aria-label="Overflow policy"
				value={overflow}
				onChange={(e) => onOverflow(e.target.value as ChatSettings["overflow"])}
			>
				{Object.entries(POLICIES).map(([value, label]) => (
					<option key={value} value={value}>
						{label}
					</option>
				))}
			</select>
		</span>
	);
}
