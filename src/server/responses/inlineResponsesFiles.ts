import type { ResponsesInputItem } from "../../api/openai/ResponsesRequest.js";
import type { InlinedDocuments } from "../../documents/InlinedDocuments.js";
import { HttpError } from "../HttpError.js";

/**
 * Responses API input with its `input_file` parts (`{"type": "input_file", "filename",
 * "file_data": "data:…;base64,…"}`) read into `input_text` parts holding each document whole
 * (documentBlock). Stored with the response so, the document stays in the conversation for
 * `previous_response_id`. A file_id or file_url is refused: Hearth has no Files API and fetches nothing.
 */
export async function inlineResponsesFiles(
	input: ResponsesInputItem[] | undefined,
	documents: InlinedDocuments,
): Promise<ResponsesInputItem[] | undefined> {
	if (input === undefined) return input;
	return await Promise.all(
		input.map(async (item, i) => {
			if (item.type !== "message" || typeof item.content === "string" || !item.content.some((p) => p.type === "input_file"))
				return item;
			const parts = [];
			for (const [p, part] of item.content.entries()) {
				if (part.type !== "input_file") {
					parts.push(part);
					continue;
				}
				const at = `input.${i}.content.${p}`;
				const file = part as { filename?: unknown; file_data?: unknown };
				if (typeof file.file_data !== "string")
					throw new HttpError(
						400,
						`${at}: input_file needs file_data (a data URL); file_id and file_url are not supported`,
						"unsupported_content",
						at,
					);
				const name = typeof file.filename === "string" && file.filename ? file.filename : `attachment-${i + 1}-${p + 1}`;
				parts.push({ type: "input_text" as const, text: await documents.read({ name, dataUrl: file.file_data }) });
			}
			return { ...item, content: parts } as ResponsesInputItem;
		}),
	);
}
