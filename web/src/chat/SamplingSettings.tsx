import type { LocalModelView } from "../../../src/api/native/NativeModels.js";
import type { ChatSettings } from "./ChatSettings.js";

const FIELDS = ["temperature", "topP", "topK", "minP", "repeatPenalty", "maxTokens", "seed", "stop"] as const;

interface SamplingSettingsProps {
	/** Models the embedding model may be chosen from. */
	models: LocalModelView[];
	system: string;
	onSystem: (system: string) => void;
	settings: ChatSettings;
	onSettings: (settings: ChatSettings) => void;
}

/** The system prompt and sampling fields, folded away: most chats never touch them. */
export function SamplingSettings({ models, system, onSystem, settings, onSettings }: SamplingSettingsProps) {
	return (
		<details className="settings">
			<summary>System prompt and sampling</summary>
			<textarea
				aria-label="System prompt"
				placeholder="System prompt"
				value={system}
				onChange={(e) => onSystem(e.target.value)}
			/>
			<div className="row">
				{FIELDS.map((key) => (
					<label key={key}>
						{key}{" "}
						<input
							aria-label={key}
							value={settings[key]}
							onChange={(e) => onSettings({ ...settings, [key]: e.target.value })}
							size={6}
						/>
					</label>
				))}
			</div>
			<label>
				<input
					type="checkbox"
					checked={settings.mcpTools ?? false}
					onChange={(e) => onSettings({ ...settings, mcpTools: e.target.checked })}
				/>{" "}
				Use MCP tools (mcp.json; each call asks first)
			</label>
			<label>
				Embedding model for long documents{" "}
				<select
					aria-label="Embedding model"
					value={settings.embeddingModel ?? ""}
					onChange={(e) => onSettings({ ...settings, embeddingModel: e.target.value })}
				>
					<option value="">the server's (HEARTH_EMBEDDING_MODEL)</option>
					{models.map((m) => (
						<option key={m.key} value={m.key}>
							{m.shortKey}
						</option>
					))}
				</select>
			</label>
		</details>
	);
}
