import { Template } from "@huggingface/jinja";
import { InvalidModelFileError } from "../../models/InvalidModelFileError.js";
import { TEMPLATE_LIMITS } from "./templateLimits.js";

/**
 * Renders the model's chat template once on a short conversation, the way node-llama-cpp's
 * wrapper will on every request, and refuses one whose output is absurd. A template that never
 * ends (nested `range(10**8)` loops) blocks whoever renders it: the runner calls this between
 * `templateCheck` start and done messages, and its parent kills it when the limit passes, so the
 * server never waits on it.
 */
export function trialRenderTemplate(modelPath: string, template: string, tokens: { bos?: string; eos?: string }): void {
	let rendered: string;
	try {
		rendered = new Template(template).render({
			messages: [
				{ role: "system", content: "You are a helpful assistant." },
				{ role: "user", content: "Where is Taiwan?" },
			],
			add_generation_prompt: true,
			bos_token: tokens.bos ?? "",
			eos_token: tokens.eos ?? "",
		});
	} catch {
		// A template that does not parse or render is node-llama-cpp's to handle (it falls back to a known format).
		return;
	}
	const bytes = Buffer.byteLength(rendered);
	if (bytes > TEMPLATE_LIMITS.maxRenderedBytes)
		throw new InvalidModelFileError(
			modelPath,
			`its chat template renders a two-message chat as ${bytes} bytes (over ${TEMPLATE_LIMITS.maxRenderedBytes}); the template is broken`,
		);
}
