/** The object without its undefined fields, so spreading it over defaults keeps the defaults. */
export function withoutUndefined<T extends object>(o: T | undefined): Partial<T> {
	return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
