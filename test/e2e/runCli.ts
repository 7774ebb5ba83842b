import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const HEARTH_BIN = fileURLToPath(new URL("../../bin/hearth.js", import.meta.url));

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the built CLI (`bin/hearth.js`, as `npx hearth` does) and collects its output. */
export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
	return collect(startCli(args, options.env), options.input);
}

/** An empty Hearth home that ignores other apps' models, so tests never see the real ones. */
const isolated = (): NodeJS.ProcessEnv => ({
	HEARTH_HOME: mkdtempSync(join(tmpdir(), "hearth-cli-home-")),
	HEARTH_OTHER_APPS: "off",
	// No server: a Hearth running on this machine must not answer the tests' CLI.
	HEARTH_SERVER_URL: "http://127.0.0.1:9",
	// Each call is a fresh home, where a probe would choose flash attention anew from a tiny
	// model's noisy timings, and on and off round differently: same-seed answers must match.
	HEARTH_FLASH_ATTENTION: "off",
});

export function startCli(args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
	return spawn(process.execPath, [HEARTH_BIN, ...args], {
		env: { ...process.env, ...isolated(), ...env },
		stdio: ["pipe", "pipe", "pipe"],
	});
}

export function collect(child: ChildProcess, input?: string): Promise<CliResult> {
	let stdout = "";
	let stderr = "";
	child.stdout?.on("data", (d) => {
		stdout += d;
	});
	child.stderr?.on("data", (d) => {
		stderr += d;
	});
	if (input !== undefined) child.stdin?.end(input);
	return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
