import { useState } from "react";
import type { ToolDecision } from "../../../src/api/native/NativeChat.js";

/** A tool call of the answer streaming now: what the model asked, whether it waits for the user, what came back. */
export interface ToolStep {
	id: string;
	server: string;
	tool: string;
	arguments: string;
	/** The approval to answer; cleared once answered. */
	approval?: string;
	result?: { text: string; isError: boolean; denied: boolean; truncated: boolean };
}

interface ToolStepsProps {
	steps: ToolStep[];
	onDecide: (step: ToolStep, decision: ToolDecision) => void;
}

/** Each call with its arguments; one waiting asks Allow once / Always for this tool / Deny before it runs. */
export function ToolSteps({ steps, onDecide }: ToolStepsProps) {
	// Calls answered here: their buttons go at once, before the result comes back.
	const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
	const decide = (step: ToolStep, decision: ToolDecision) => {
		setAnswered((set) => new Set([...set, step.id]));
		onDecide(step, decision);
	};
	return (
		<ol className="tool-steps" aria-label="Tool calls">
			{steps.map((step) => (
				<li key={step.id} className="tool-step">
					<p>
						Calls <code>{step.tool}</code> of MCP server <strong>{step.server}</strong> with <code>{step.arguments}</code>
					</p>
					{step.approval && !step.result && !answered.has(step.id) && (
						<fieldset className="row approval">
							<legend className="muted">Run it?</legend>
							<button type="button" onClick={() => decide(step, "once")}>
								Allow once
							</button>
							<button type="button" onClick={() => decide(step, "always")}>
								Always allow {step.tool}
							</button>
							<button type="button" onClick={() => decide(step, "deny")}>
								Deny
							</button>
						</fieldset>
					)}
					{step.result && (
						<details>
							<summary className={step.result.isError ? "error" : "muted"}>
								{step.result.denied ? "Denied" : step.result.isError ? "Failed" : "Result"}
								{step.result.truncated ? " (truncated)" : ""}
							</summary>
							<pre>{step.result.text}</pre>
						</details>
					)}
				</li>
			))}
		</ol>
	);
}
