import type { LocalModelView } from "../../../src/api/native/NativeModels.js";
import { LoadProgress } from "../LoadProgress.js";

interface ModelPickerProps {
	models: LocalModelView[];
	model: string;
	/** A load asked for here is under way. */
	loading: boolean;
	/** The server holds `model` in memory now. */
	loaded: boolean;
	/** Chooses a model and loads it. */
	onPick: (key: string) => void;
}

/** The model the chat talks to, and whether it is in memory: its load progress, a Load button or a badge. */
export function ModelPicker({ models, model, loading, loaded, onPick }: ModelPickerProps) {
	return (
		<>
			<select aria-label="Model" value={model} onChange={(e) => onPick(e.target.value)}>
				{models.length === 0 && <option value="">No models: download one in Discover</option>}
				{models.map((m) => (
					<option key={m.key} value={m.key}>
						{m.key}
					</option>
				))}
			</select>
			{loading && <LoadProgress model={model} />}
			{!loading && model && !loaded && (
				<button type="button" onClick={() => onPick(model)}>
					Load
				</button>
			)}
			{!loading && model && loaded && <span className="badge loaded">Loaded</span>}
		</>
	);
}
