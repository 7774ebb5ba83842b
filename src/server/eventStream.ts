/**
 * Turns a subscription into an async iterable that ends when `signal` aborts: for the SSE streams
 * of the native API (logs, downloads) that run until the client leaves.
 */
export async function* eventStream<T>(
	subscribe: (push: (event: T) => void) => () => void,
	signal: AbortSignal,
	initial: T[] = [],
): AsyncGenerator<T> {
	const queue: T[] = [...initial];
	let wake: (() => void) | undefined;
	const unsubscribe = subscribe((event) => {
		queue.push(event);
		wake?.();
	});
	const onAbort = () => wake?.();
	signal.addEventListener("abort", onAbort, { once: true });
	try {
		while (!signal.aborted) {
			while (queue.length > 0) yield queue.shift() as T;
			await new Promise<void>((resolve) => {
				wake = resolve;
				if (signal.aborted || queue.length > 0) resolve();
			});
			wake = undefined;
		}
	} finally {
		unsubscribe();
		signal.removeEventListener("abort", onAbort);
	}
}
