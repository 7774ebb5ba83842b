import { useCallback, useEffect, useState } from "react";
import type { ServerSettingName, ServerSettingsUpdate, ServerSettingsView } from "../../src/api/native/NativeSettings.js";
import { api, apiKey, errorText } from "./api.js";

const LOOPBACK = /^(127\.|localhost$|::1$|\[::1\]$)/;

/**
 * Port, network serving, API key and CORS, saved in config.json. They take effect when Hearth
 * starts again (a server cannot move its own socket); ones a flag or variable fixes are read-only.
 */
export function ServerSettingsForm() {
	const [view, setView] = useState<ServerSettingsView>();
	const [port, setPort] = useState("");
	const [network, setNetwork] = useState(false);
	const [requireKey, setRequireKey] = useState(false);
	const [newKey, setNewKey] = useState("");
	const [cors, setCors] = useState("");
	const [message, setMessage] = useState<string>();
	const [error, setError] = useState<string>();

	const show = useCallback((v: ServerSettingsView) => {
		setView(v);
		setPort(String(v.next.port));
		setNetwork(!LOOPBACK.test(v.next.host));
		setRequireKey(v.next.apiKeySet);
		setNewKey("");
		setCors(v.next.corsOrigins.join(", "));
	}, []);
	useEffect(() => {
		api.settings().then(show, (e) => setError(errorText(e)));
	}, [show]);
	if (!view) return error ? <p className="error">{error}</p> : null;

	const locked = (name: ServerSettingName) =>
		view.lockedBy[name] ? <span className="muted"> (set by {view.lockedBy[name]})</span> : null;
	const toggle = (label: string, name: ServerSettingName, checked: boolean, set: (value: boolean) => void) => (
		<label>
			<input type="checkbox" checked={checked} disabled={Boolean(view.lockedBy[name])} onChange={(e) => set(e.target.checked)} />{" "}
			{label}
			{locked(name)}
		</label>
	);
	const save = async () => {
		setError(undefined);
		setMessage(undefined);
		const update: ServerSettingsUpdate = {};
		if (!view.lockedBy.port && Number(port) !== view.next.port) update.port = Number(port);
		if (!view.lockedBy.host && network !== !LOOPBACK.test(view.next.host)) update.host = network ? "0.0.0.0" : "127.0.0.1";
		if (!view.lockedBy.apiKey) {
			if (requireKey && newKey) update.apiKey = newKey;
			if (!requireKey && view.next.apiKeySet) update.apiKey = null;
		}
		const origins = cors
			.split(",")
			.map((s) => s.trim())
			.filter(Boolean);
		if (!view.lockedBy.cors && origins.join(",") !== view.next.corsOrigins.join(",")) update.cors = origins;
		try {
			const saved = await api.updateSettings(update);
			// So this browser keeps working once the server asks for the new key.
			if (update.apiKey) apiKey.set(update.apiKey);
			show(saved);
			setMessage(
				saved.restartRequired
					? `Saved in ${saved.configPath}. Restart Hearth to apply: stop it (Ctrl+C) and run npm start again.`
					: `Saved in ${saved.configPath}.`,
			);
		} catch (e) {
			setError(errorText(e));
		}
	};
	return (
		<form
			className="card settings-form"
			aria-label="Server settings"
			onSubmit={(e) => {
				e.preventDefault();
				void save();
			}}
		>
			<h3>Settings</h3>
			<label>
				Port{" "}
				<input
					type="number"
					min={1}
					max={65535}
					value={port}
					disabled={Boolean(view.lockedBy.port)}
					onChange={(e) => setPort(e.target.value)}
				/>
				{locked("port")}
			</label>
			{toggle("Serve on the local network", "host", network, setNetwork)}
			{toggle("Require an API key", "apiKey", requireKey, setRequireKey)}
			{requireKey && !view.lockedBy.apiKey && (
				<label>
					{view.next.apiKeySet ? "New key (empty keeps the current one)" : "Key"}{" "}
					<input type="password" autoComplete="new-password" value={newKey} onChange={(e) => setNewKey(e.target.value)} />
				</label>
			)}
			<label>
				CORS origins{" "}
				<input
					placeholder="off; e.g. http://localhost:3000, or *"
					value={cors}
					disabled={Boolean(view.lockedBy.cors)}
					onChange={(e) => setCors(e.target.value)}
				/>
				{locked("cors")}
			</label>
			{network && !requireKey && (
				<p className="warning">Without an API key, anyone who can reach this machine can use the server.</p>
			)}
			<button type="submit" disabled={requireKey && !view.next.apiKeySet && !newKey}>
				Save
			</button>
			{view.restartRequired && !message && <p className="muted">Saved settings are waiting for a restart of Hearth.</p>}
			{message && (
				<p className="muted" role="status">
					{message}
				</p>
			)}
			{error && <p className="error">{error}</p>}
		</form>
	);
}
