/** The streams a CLI command reads and writes: the process's own, or a test's. */
export interface CommandIo {
	stdin: NodeJS.ReadableStream;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
}
