import type { ChatSettings } from "./ChatSettings.js";

const FIELDS = ["temperature", "topP", "topK", "minP", "repeatPenalty", "maxTokens", "seed", "stop"] as const;

interface SamplingSettingsProps {
	system: string;
	onSystem: (system: string) => void;
	settings: ChatSettings;
	onSettings: (settings: ChatSettings) => void;
}

/** The system prompt and sampling fields, folded away: most chats never touch them. */
export function SamplingSettings({ system, onSystem, settings, onSettings }: SamplingSettingsProps) {
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
		</details>
	);
}
