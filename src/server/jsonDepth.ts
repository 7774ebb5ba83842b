/** Deepest nesting of arrays and objects a request body may have: real requests stay under ten. */
export const MAX_JSON_DEPTH = 64;

/**
 * How deep `text`'s arrays and objects nest, counted without parsing (strings skipped), stopping as
 * soon as `limit` is passed: JSON.parse and zod recurse, so a body nested 100,000 deep would cost
 * memory, and one 5,000 deep overflows the stack, before any schema could refuse it.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92 /* \ */) i++;
			else if (c === 34 /* " */) inString = false;
		} else if (c === 34) inString = true;
		else if (c === 123 /* { */ || c === 91 /* [ */) {
			if (++depth > limit) return true;
		} else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
	}
	return false;
}
