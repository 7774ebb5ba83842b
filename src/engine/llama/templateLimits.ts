/** Limits on a model's chat template, which comes from the GGUF file: untrusted input that runs as code. */
export const TEMPLATE_LIMITS = {
	/** Largest template a model may carry: real ones are a few KiB, the largest known under 64 KiB. */
	maxBytes: 256 * 1024,
	/** Longest a two-message chat may take to render before the model is refused. */
	renderMs: 5_000,
	/** Longest text that render may produce: a few hundred bytes is usual. */
	maxRenderedBytes: 1024 * 1024,
} as const;
