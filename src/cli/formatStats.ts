import { draftSummary } from "../api/draftSummary.js";
import { STOP_REASON_LABELS } from "../api/StopReason.js";
import type { GenerationStats } from "../engine/Engine.js";

/** The line printed under an answer: speed, time to first token, tokens and why it stopped. */
export function formatStats(stats: GenerationStats): string {
	const speed = stats.tokensPerSecond > 0 ? `${stats.tokensPerSecond.toFixed(1)} tok/s` : "– tok/s";
	const drafts = draftSummary(stats);
	return [
		speed,
		`TTFT ${Math.round(stats.timeToFirstTokenMs)} ms`,
		`${stats.generatedTokens} tokens (prompt ${stats.promptTokens})`,
		`stop: ${STOP_REASON_LABELS[stats.stopReason]}`,
		...(drafts ? [drafts] : []),
	].join(" · ");
}
