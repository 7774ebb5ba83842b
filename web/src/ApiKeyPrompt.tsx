import { useState } from "react";
import { apiKey } from "./api.js";

/** Shown when the server requires an API key this browser does not have (or has a wrong one). */
export function ApiKeyPrompt({ onSaved, wrong }: { onSaved: () => void; wrong: boolean }) {
	const [key, setKey] = useState("");
	return (
		<form
			className="card api-key"
			onSubmit={(e) => {
				e.preventDefault();
				apiKey.set(key.trim());
				onSaved();
			}}
		>
			<h2>This Hearth server requires an API key</h2>
			<p className="muted">
				It was started with --api-key, HEARTH_API_KEY or a key saved in config.json. The key is kept in this browser only.
			</p>
			{wrong && <p className="error">That key was not accepted.</p>}
			<label>
				API key <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
			</label>
			<button type="submit" disabled={!key.trim()}>
				Continue
			</button>
		</form>
	);
}
