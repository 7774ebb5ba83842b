import { useEffect, useState } from "react";
import type { LoadingModelView } from "../../src/api/native/NativeModels.js";
import { api } from "./api.js";

const STAGES: Record<LoadingModelView["progress"]["stage"], string> = {
	starting: "starting the runner",
	weights: "reading the weights",
	tuning: "measuring the fastest kernels for this machine (once)",
	context: "creating the context",
};

/**
 * While a model loads: a progress bar with the stage, polled from the server as long as it is
 * mounted. `quiet`: show nothing unless the server says the model is loading (a chat request may or
 * may not have to load it first).
 */
export function LoadProgress({ model, quiet = false }: { model: string; quiet?: boolean }) {
	const [entry, setEntry] = useState<LoadingModelView>();
	useEffect(() => {
		let stopped = false;
		const poll = () =>
			api.loading().then(
				(list) => !stopped && setEntry(list.find((m) => m.id === model)),
				() => {},
			);
		void poll();
		const timer = setInterval(poll, 250);
		return () => {
			stopped = true;
			clearInterval(timer);
		};
	}, [model]);
	if (quiet && !entry) return null;
	const percent = Math.round((entry?.progress.fraction ?? 0) * 100);
	return (
		<span className="load-progress" role="status" aria-label="Model load progress">
			<progress max={100} value={percent} />
			<span className="muted">
				Loading model… {percent}%{entry ? ` · ${STAGES[entry.progress.stage]} · ${(entry.elapsedMs / 1000).toFixed(1)} s` : ""}
			</span>
		</span>
	);
}
