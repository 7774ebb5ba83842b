import type { Llama, LlamaGrammar } from "node-llama-cpp";
import type { OutputFormat } from "../Engine.js";
import { InvalidSchemaError } from "../errors/InvalidSchemaError.js";

/** The grammars of a model's JSON output formats, each compiled once and reused. */
export class JsonGrammars {
	private readonly compiled = new Map<string, Promise<LlamaGrammar>>();

	constructor(private readonly llama: Llama) {}

	/** Rejects with InvalidSchemaError for a schema llama.cpp cannot turn into a grammar. */
	for(format: OutputFormat): Promise<LlamaGrammar> {
		const key = JSON.stringify(format);
		let grammar = this.compiled.get(key);
		if (!grammar) {
			grammar =
				format.type === "json"
					? this.llama.getGrammarFor("json")
					: this.llama.createGrammarForJsonSchema(format.schema as never).catch((error: Error) => {
							throw new InvalidSchemaError(error.message);
						});
			// A failure is not kept: the next request with the format tries again.
			grammar.catch(() => this.compiled.delete(key));
			this.compiled.set(key, grammar);
		}
		return grammar;
	}
}
