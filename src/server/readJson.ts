import type { Context } from "hono";
import { HttpError } from "./HttpError.js";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./jsonDepth.js";

/** The request body as JSON; anything else is a 400 that says so. */
export async function readJson(c: Context): Promise<unknown> {
	const text = await c.req.text();
	if (text.trim() === "") throw new HttpError(400, "The request body is empty; expected JSON", "invalid_json");
	if (jsonDepthExceeds(text))
		throw new HttpError(400, `The request body nests deeper than ${MAX_JSON_DEPTH} levels`, "invalid_json");
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new HttpError(400, `The request body is not valid JSON: ${(error as Error).message}`, "invalid_json");
	}
}
