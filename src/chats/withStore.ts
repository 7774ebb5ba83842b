/** Runs `work` on a store opened for it, and closes the store whatever happens. */
export function withStore<S extends { close(): void }, T>(store: S, work: (store: S) => T): T {
	try {
		return work(store);
	} finally {
		store.close();
	}
}
