import { useCallback, useEffect, useState } from "react";
import type { McpView } from "../../src/api/native/NativeMcp.js";
import { api, errorText } from "./api.js";

/**
 * mcp.json in the Server view: each MCP server's state (its tools, or why it failed) and the file
 * itself to edit, in the format other apps use; the server checks it before saving.
 */
export function McpServersForm() {
	const [view, setView] = useState<McpView>();
	const [text, setText] = useState("");
	const [error, setError] = useState<string>();
	const [saving, setSaving] = useState(false);
	const show = useCallback((v: McpView) => {
		setView(v);
		setText(JSON.stringify(v.config, null, 2));
	}, []);
	useEffect(() => {
		api.mcp().then(show, (e) => setError(errorText(e)));
	}, [show]);
	const save = async () => {
		setError(undefined);
		let config: unknown;
		try {
			config = JSON.parse(text);
		} catch (e) {
			setError(`Not JSON: ${(e as Error).message}`);
			return;
		}
		setSaving(true);
		try {
			show(await api.saveMcp(config));
		} catch (e) {
			setError(errorText(e));
		} finally {
			setSaving(false);
		}
	};
	return (
		<div className="card mcp">
			<h3>MCP servers</h3>
			{view && view.servers.length === 0 && <p className="muted">None yet: add them to mcp.json below.</p>}
			<ul aria-label="MCP servers">
				{view?.servers.map((s) => (
					<li key={s.name}>
						<strong>{s.name}</strong> <span className="muted">({s.transport})</span> —{" "}
						{s.state === "ready" ? (
							<>
								{s.tools.length} tool{s.tools.length === 1 ? "" : "s"}:{" "}
								<span className="muted">{s.tools.map((t) => t.name).join(", ")}</span>
							</>
						) : s.state === "failed" ? (
							<span className="error">failed: {s.error}</span>
						) : (
							<span className="muted">disabled</span>
						)}
					</li>
				))}
			</ul>
			<label>
				mcp.json
				<textarea
					aria-label="mcp.json"
					className="mcp-json"
					value={text}
					onChange={(e) => setText(e.target.value)}
					spellCheck={false}
				/>
			</label>
			{error && <p className="error">{error}</p>}
			<button type="button" onClick={() => void save()} disabled={saving}>
				{saving ? "Saving and starting…" : "Save and restart the servers"}
			</button>
		</div>
	);
}
