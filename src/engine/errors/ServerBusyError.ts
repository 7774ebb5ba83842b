/** Every parallel slot and queue place of a model is taken: the caller should retry later. */
export class ServerBusyError extends Error {
	readonly code = "server_busy";
	constructor(
		readonly modelId: string,
		readonly retryAfterSeconds: number,
	) {
		super(`Model "${modelId}" is busy: all parallel slots and queue places are taken; retry in ${retryAfterSeconds} s`);
		this.name = "ServerBusyError";
	}
}
