import { useCallback, useEffect, useState } from "react";
import type { LocalModelView } from "../../../src/api/native/NativeModels.js";
import { api, errorText } from "../api.js";

/** An event of a measurement stream: progress, the result, or an error in band. */
type MeasureEvent<P, R> =
	| ({ type: "progress" } & P)
	| { type: "done"; report: R }
	| { type: "error"; error: { message: string } };

/**
 * What the Bench and Eval views share: the usable local models and the one picked, the kept runs
 * (reloaded after each run), and one run at a time streamed into progress, result and error, with
 * Stop aborting it.
 */
export function useMeasurement<P, R, K>(
	listKept: () => Promise<K[]>,
	stream: (model: string, signal: AbortSignal) => AsyncIterable<MeasureEvent<P, R>>,
) {
	const [models, setModels] = useState<LocalModelView[]>([]);
	const [model, setModel] = useState("");
	const [progress, setProgress] = useState<P>();
	const [report, setReport] = useState<R>();
	const [kept, setKept] = useState<K[]>([]);
	const [error, setError] = useState<string>();
	const [controller, setController] = useState<AbortController>();

	const refresh = useCallback(() => listKept().then(setKept, (e) => setError(errorText(e))), [listKept]);
	useEffect(() => {
		api.models().then(
			(list) => {
				const usable = list.filter((m) => !m.invalid);
				setModels(usable);
				setModel((current) => current || usable[0]?.key || "");
			},
			(e) => setError(errorText(e)),
		);
		void refresh();
	}, [refresh]);

	const run = async (first?: P) => {
		const abort = new AbortController();
		setController(abort);
		setError(undefined);
		setReport(undefined);
		setProgress(first);
		try {
			for await (const event of stream(model, abort.signal)) {
				if (event.type === "progress") setProgress(event);
				else if (event.type === "done") setReport(event.report);
				else setError(event.error.message);
			}
			void refresh();
		} catch (e) {
			if (!abort.signal.aborted) setError(errorText(e));
		} finally {
			setProgress(undefined);
			setController(undefined);
		}
	};
	return { models, model, setModel, progress, report, kept, error, running: controller, run };
}

/** The model picker of a measurement toolbar. */
export function ModelSelect(props: {
	models: LocalModelView[];
	value: string;
	onChange: (key: string) => void;
	disabled: boolean;
}) {
	return (
		<label>
			Model{" "}
			<select aria-label="Model" value={props.value} onChange={(e) => props.onChange(e.target.value)} disabled={props.disabled}>
				{props.models.map((m) => (
					<option key={m.key} value={m.key}>
						{m.shortKey}
					</option>
				))}
			</select>
		</label>
	);
}

/** Run, or Stop while a run is going. */
export function RunButton({ running, canRun }: { running: AbortController | undefined; canRun: boolean }) {
	return running ? (
		<button type="button" onClick={() => running.abort()}>
			Stop
		</button>
	) : (
		<button type="submit" disabled={!canRun}>
			Run
		</button>
	);
}
