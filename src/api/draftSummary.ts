/** The stats line's note on speculative decoding, e.g. "18 of 24 drafted tokens accepted"; undefined when nothing was drafted. */
export function draftSummary(stats: { draftTokens?: number; acceptedDraftTokens?: number }): string | undefined {
	if (!stats.draftTokens) return undefined;
	return `${stats.acceptedDraftTokens ?? 0} of ${stats.draftTokens} drafted tokens accepted`;
}
