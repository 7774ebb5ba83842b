import { draftSummary } from "../../../src/api/draftSummary.js";
import type { GenerationStats } from "../../../src/api/native/NativeChat.js";
import { STOP_REASON_LABELS } from "../../../src/api/StopReason.js";

/** The line under an answer: speed, first token, length, why it stopped, cache and drafting. */
export function statsLine(s: GenerationStats): string {
	const cached = s.cachedPromptTokens > 0 ? ` · ${s.cachedPromptTokens} of ${s.promptTokens} prompt tokens cached` : "";
	const drafts = draftSummary(s);
	return `${s.tokensPerSecond.toFixed(1)} tok/s · TTFT ${Math.round(s.timeToFirstTokenMs)} ms · ${s.generatedTokens} tokens · stop: ${STOP_REASON_LABELS[s.stopReason]}${cached}${drafts ? ` · ${drafts}` : ""}`;
}
