/** The runner process that held a model died; the model is unloaded and can be loaded again. */
export class RunnerExitedError extends Error {
	readonly code = "runner_exited";
	constructor(
		readonly modelId: string,
		readonly exit: { code: number | null; signal: NodeJS.Signals | null },
	) {
		const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
		super(`The runner process of model "${modelId}" ${how}; the model was unloaded, load it again to continue`);
		this.name = "RunnerExitedError";
	}
}
