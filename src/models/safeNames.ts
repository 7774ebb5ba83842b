/**
 * Names from users and from the hub become file paths; these checks run before any filesystem call
 * so that no name can climb out of the models folder or name a device.
 */
export class UnsafeNameError extends Error {
	readonly code = "unsafe_name";
	constructor(what: string, value: string, why: string) {
		super(`${what} "${value.replace(/\0/g, "\\0")}" is not allowed: ${why}`);
		this.name = "UnsafeNameError";
	}
}

/** One path segment: a publisher, a repo, a folder or a file name. */
export function assertSafeSegment(value: string, what: string): void {
	if (value === "" || value === "." || value === "..") throw new UnsafeNameError(what, value, "it must be a plain name");
	if (value.includes("\0")) throw new UnsafeNameError(what, value, "it contains a NUL byte");
	if (/[/\\]/.test(value)) throw new UnsafeNameError(what, value, "it contains a path separator");
	if (/^[A-Za-z]:/.test(value)) throw new UnsafeNameError(what, value, "it starts with a drive letter");
	if (value.length > 255) throw new UnsafeNameError(what, value, "it is longer than 255 characters");
}

/** A relative path inside a repository (`sub/dir/file.gguf`), each segment safe. */
export function assertSafeRelativePath(value: string, what: string): string[] {
	if (value.startsWith("/") || value.startsWith("\\")) throw new UnsafeNameError(what, value, "it is an absolute path");
	const segments = value.split("/");
	for (const segment of segments) assertSafeSegment(segment, what);
	return segments;
}

/** `publisher/repo`, as Hugging Face and LM Studio name repositories. */
export function parseRepoId(value: string): { publisher: string; repo: string } {
	const parts = value.split("/");
	if (parts.length !== 2) throw new UnsafeNameError("repository", value, 'expected "publisher/repo"');
	for (const part of parts) {
		assertSafeSegment(part, "repository");
		if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(part))
			throw new UnsafeNameError("repository", value, "use letters, digits, '.', '_' and '-'");
	}
	return { publisher: parts[0], repo: parts[1] };
}
