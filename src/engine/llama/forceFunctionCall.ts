import type {
	ChatModelFunctions,
	ChatWrapper,
	ChatWrapperGenerateContextStateOptions,
	ChatWrapperGeneratedContextState,
} from "node-llama-cpp";

/**
 * The chat wrapper `wrapper`, made to answer with a function call. Its context state says that
 * function calling is engaged from the start, with nothing that disengages it (node-llama-cpp's own
 * mechanism, which FunctionaryChatWrapper uses): LlamaChat then puts the template's call prefix
 * after the prompt itself, the model writes one of the names LlamaChat's `functions` has (under a
 * grammar of those names) and then parameters under the grammar of that function's schema. After a
 * call the model may write more, where the template has parallel calls. The prompt still documents
 * every tool offered (`documented`), not only the forced ones: it is the prompt Hearth fitted and
 * the sequence may hold. A wrapper's prefix triggers (an opening thought, a call tag) are left out:
 * the answer is the call.
 */
export function forceFunctionCall(wrapper: ChatWrapper, documented: ChatModelFunctions): ChatWrapper {
	// Everything else is the wrapper's own (settings, how calls and results are written).
	const forced: ChatWrapper = Object.create(wrapper);
	const generateContextState = (options: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState => {
		const state = wrapper.generateContextState({ ...options, availableFunctions: documented });
		return {
			contextText: state.contextText,
			stopGenerationTriggers: state.stopGenerationTriggers,
			ignoreStartText: state.ignoreStartText,
			functionCall: { initiallyEngaged: true, disengageInitiallyEngaged: [] },
		};
	};
	Object.defineProperty(forced, "generateContextState", { value: generateContextState });
	return forced;
}
