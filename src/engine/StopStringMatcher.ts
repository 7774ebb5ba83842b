/**
 * Finds stop strings in streamed text. A stop string may start inside one fragment (even inside
 * one token, as " under" holds "under") and end in a later one, so the text that could still begin
 * a stop string is held back until it is known not to. Everything before the first stop string
 * is released; the stop string and what follows it never are.
 */
export class StopStringMatcher {
	private held = "";
	private stopped = false;

	constructor(private readonly stops: readonly string[]) {}

	/** True once a stop string has been seen; later input is ignored. */
	get done(): boolean {
		return this.stopped;
	}

	/** Takes the next fragment; returns the text that can be shown now. */
	push(fragment: string): string {
		if (this.stopped) return "";
		const text = this.held + fragment;
		let first = -1;
		for (const stop of this.stops) {
			const at = text.indexOf(stop);
			if (at !== -1 && (first === -1 || at < first)) first = at;
		}
		if (first !== -1) {
			this.stopped = true;
			this.held = "";
			return text.slice(0, first);
		}
		const keep = this.partialSuffixLength(text);
		this.held = text.slice(text.length - keep);
		return text.slice(0, text.length - keep);
	}

	/** Releases what was held back, at the end of generation. */
	flush(): string {
		const rest = this.stopped ? "" : this.held;
		this.held = "";
		return rest;
	}

	/** Length of the longest end of `text` that is the start of some stop string. */
	private partialSuffixLength(text: string): number {
		let longest = 0;
		for (const stop of this.stops) {
			for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
				if (text.endsWith(stop.slice(0, n))) {
					longest = n;
					break;
				}
			}
		}
		return longest;
	}
}
