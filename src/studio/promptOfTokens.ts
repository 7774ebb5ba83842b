import type { Engine } from "../engine/Engine.js";

const WORDS = "the island of taiwan sits in east asia near china and the pacific ocean".split(" ");

/** Plain words that the loaded model `id` tokenizes to about `count` tokens (with its beginning token), for benchmarks. */
export async function promptOfTokens(engine: Pick<Engine, "countTokens">, id: string, count: number): Promise<string> {
	const words: string[] = [];
	while ((await engine.countTokens(id, words.join(" "))) < count - 2) words.push(WORDS[words.length % WORDS.length] as string);
	return words.join(" ");
}
