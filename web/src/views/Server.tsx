import { useEffect, useState } from "react";
import type { LogEntry, ServerStatus } from "../../../src/api/native/NativeSystem.js";
import { api, errorText, formatBytes } from "../api.js";
import { McpServersForm } from "../McpServersForm.js";
import { ServerSettingsForm } from "../ServerSettingsForm.js";

/** The server: where it listens, its settings, the endpoints of each dialect, loaded models, the live log. */
export function Server() {
	const [status, setStatus] = useState<ServerStatus>();
	const [log, setLog] = useState<LogEntry[]>([]);
	const [error, setError] = useState<string>();
	useEffect(() => {
		api.status().then(setStatus, (e) => setError(errorText(e)));
		const controller = new AbortController();
		(async () => {
			try {
				for await (const entry of api.logStream(controller.signal)) setLog((current) => [...current.slice(-499), entry]);
			} catch (e) {
				if (!controller.signal.aborted) setError(errorText(e));
			}
		})();
		return () => controller.abort();
	}, []);
	const base = typeof window === "undefined" ? "" : window.location.origin;
	const auth = status?.settings.apiKeySet ? ` -H "Authorization: Bearer $HEARTH_API_KEY"` : "";
	const examples = [
		[
			"OpenAI",
			`curl ${base}/v1/chat/completions${auth} -H 'Content-Type: application/json' -d '{"model": "phi-3-mini-4k-instruct-q4", "messages": [{"role": "user", "content": "where is taiwan"}]}'`,
		],
		[
			"Ollama",
			`curl ${base}/api/chat${auth} -d '{"model": "phi-3-mini-4k-instruct-q4", "messages": [{"role": "user", "content": "where is taiwan"}]}'`,
		],
		["LM Studio", `curl ${base}/api/v0/models${auth}`],
	];
	return (
		<section className="view server">
			{error && <p className="error">{error}</p>}
			{status && (
				<div className="card">
					<p>
						<strong>Running</strong> at {status.url} · Hearth {status.version} · up {status.uptimeSeconds} s
					</p>
					<p className="muted">
						{status.settings.maxModels} model(s) at once · {status.settings.parallel} requests each · idle unload after{" "}
						{status.settings.ttlSeconds} s · {status.settings.apiKeySet ? "API key required" : "no API key"} · CORS{" "}
						{status.settings.corsOrigins.join(", ") || "off"} · bound to {status.settings.host}
					</p>
					<p className="muted">
						{status.system.cpu} · {status.system.cores} cores · {formatBytes(status.system.ramAvailableBytes)} of{" "}
						{formatBytes(status.system.ramTotalBytes)} RAM free · backend {status.system.gpu.backend} (HEARTH_GPU{" "}
						{status.system.gpu.setting}; this machine runs {status.system.gpu.available.join(", ")}) · node-llama-cpp{" "}
						{status.system.engine.nodeLlamaCpp} (llama.cpp {status.system.engine.llamaCpp})
					</p>
					<h3>Loaded models</h3>
					<ul>
						{status.loaded.length === 0 && <li className="muted">none</li>}
						{status.loaded.map((m) => (
							<li key={m.id}>
								{m.id} · context {m.contextLength} · {m.gpu} · {m.memoryBytes ? formatBytes(m.memoryBytes) : "–"}
							</li>
						))}
					</ul>
				</div>
			)}
			<ServerSettingsForm />
			<McpServersForm />
			<h3>Endpoints</h3>
			{examples.map(([name, command]) => (
				<div key={name} className="endpoint">
					<strong>{name}</strong>
					<pre>{command}</pre>
					<button type="button" onClick={() => void navigator.clipboard?.writeText(command)}>
						Copy
					</button>
				</div>
			))}
			<h3>Log</h3>
			<pre className="log" role="log" aria-label="Server log">
				{log.map((e) => `${e.time} ${e.level.padEnd(5)} [${e.source}] ${e.message}`).join("\n")}
			</pre>
		</section>
	);
}
