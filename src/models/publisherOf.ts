import type { LocalModel } from "./ModelStore.js";

/** Who a model is from, for OpenAI's `owned_by` and LM Studio's `publisher`: the key's first part, else the app it came from. */
export function publisherOf(model: Pick<LocalModel, "key" | "source">): string {
	return model.key.includes("/") ? model.key.split("/")[0] : model.source;
}
