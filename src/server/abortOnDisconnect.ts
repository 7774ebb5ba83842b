/** A controller that aborts when the client's request does (the connection closed), so generation stops. */
export function abortOnDisconnect(signal: AbortSignal): AbortController {
	const controller = new AbortController();
	if (signal.aborted) controller.abort();
	else signal.addEventListener("abort", () => controller.abort(), { once: true });
	return controller;
}
