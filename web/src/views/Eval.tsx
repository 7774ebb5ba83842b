import { lazy, Suspense, useMemo, useState } from "react";
import type { EvalReport } from "../../../src/api/native/NativeEval.js";
import { api } from "../api.js";
import { ModelSelect, RunButton, useMeasurement } from "./useMeasurement.js";

const MeasureChart = lazy(() => import("../charts/MeasureChart.js"));

const listEvalRuns = () => api.evalRuns();

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;

/** Eval on your own questions: upload a JSONL set (or use Hearth's), run it with progress, compare models on a set. */
export function Eval() {
	const [upload, setUpload] = useState<{ name: string; jsonl: string }>();
	const [limit, setLimit] = useState("");
	const { models, model, setModel, progress, report, kept, error, running, run } = useMeasurement(
		listEvalRuns,
		(model: string, signal) =>
			api.evaluate({ model, set: upload ?? ("general" as const), ...(limit ? { limit: Number(limit) } : {}) }, signal),
	);

	// The latest run of each model on the set of the report shown (or the newest kept run's set).
	const setName = report?.set ?? kept[0]?.report.set;
	const byModel = useMemo(() => {
		const latest = new Map<string, EvalReport>();
		for (const { report: r } of kept) if (r.set === setName && !latest.has(r.model)) latest.set(r.model, r);
		return [...latest.values()];
	}, [kept, setName]);
	return (
		<section className="view eval">
			<form
				className="toolbar"
				onSubmit={(e) => {
					e.preventDefault();
					void run();
				}}
			>
				<ModelSelect models={models} value={model} onChange={setModel} disabled={Boolean(running)} />
				<label>
					Questions (JSONL){" "}
					<input
						aria-label="Questions (JSONL)"
						type="file"
						accept=".jsonl,.json,.txt,application/jsonl"
						onChange={async (e) => {
							const file = e.target.files?.[0];
							setUpload(file ? { name: file.name, jsonl: await file.text() } : undefined);
						}}
					/>
				</label>
				<span className="muted">{upload ? upload.name : "Hearth's 30 general-knowledge questions"}</span>
				<label>
					First{" "}
					<input
						aria-label="First questions only"
						type="number"
						min={1}
						value={limit}
						onChange={(e) => setLimit(e.target.value)}
						placeholder="all"
					/>
				</label>
				<RunButton running={running} canRun={Boolean(model)} />
			</form>
			{progress && (
				<div className="bench-progress" aria-live="polite">
					<progress max={progress.total} value={progress.done} aria-label="Eval progress" />
					<span className="muted">
						{progress.done}/{progress.total} questions · {progress.correct} right
					</span>
				</div>
			)}
			{error && <p className="error">{error}</p>}
			{report && <EvalResult report={report} />}
			<h2>Models on {setName ?? "a set"}</h2>
			{byModel.length === 0 && <p className="muted">No eval runs kept yet.</p>}
			{byModel.length > 0 && (
				<>
					<table className="table" aria-label="Models compared">
						<thead>
							<tr>
								<th>Model</th>
								<th>Correct</th>
								<th>Accuracy</th>
								<th>95 % interval</th>
							</tr>
						</thead>
						<tbody>
							{byModel.map((r) => (
								<tr key={r.model}>
									<td>{r.model}</td>
									<td>
										{r.correct}/{r.items}
									</td>
									<td>{percent(r.accuracy)}</td>
									<td>
										{percent(r.interval95[0])}–{percent(r.interval95[1])}
									</td>
								</tr>
							))}
						</tbody>
					</table>
					<Suspense fallback={<p className="muted">Loading the chart…</p>}>
						<MeasureChart
							kind="bar"
							title={`Accuracy of each model on ${setName}`}
							unit="accuracy"
							max={1}
							labels={byModel.map((r) => r.model.split("/").at(-1) ?? r.model)}
							series={[{ label: "accuracy", values: byModel.map((r) => r.accuracy) }]}
						/>
					</Suspense>
				</>
			)}
		</section>
	);
}

/** One run: the score, per-subject accuracy as a chart, and every item with the letter chosen. */
function EvalResult({ report }: { report: EvalReport }) {
	const subjects = Object.entries(report.bySubject);
	return (
		<div className="eval-result">
			<p className="eval-score">
				<strong>
					{report.correct}/{report.items} correct, {percent(report.accuracy)}
				</strong>{" "}
				(95 % interval {percent(report.interval95[0])}–{percent(report.interval95[1])}), {report.itemsPerSecond.toFixed(2)}{" "}
				questions/s
				{report.skipped.length > 0 && `; ${report.skipped.length} malformed lines skipped`}
			</p>
			{report.skipped.length > 0 && (
				<ul className="skipped" aria-label="Skipped lines">
					{report.skipped.map((s) => (
						<li key={s.line}>
							line {s.line}: {s.error}
						</li>
					))}
				</ul>
			)}
			{subjects.length > 0 && (
				<Suspense fallback={<p className="muted">Loading the chart…</p>}>
					<MeasureChart
						kind="bar"
						title="Accuracy per subject"
						unit="accuracy"
						max={1}
						labels={subjects.map(([s]) => s)}
						series={[{ label: "accuracy", values: subjects.map(([, s]) => s.accuracy) }]}
					/>
				</Suspense>
			)}
			<table className="table" aria-label="Answers">
				<thead>
					<tr>
						<th>Line</th>
						<th>Subject</th>
						<th>Chosen</th>
						<th>Probability</th>
						<th>Answer</th>
					</tr>
				</thead>
				<tbody>
					{report.perItem.map((r) => (
						<tr key={r.line} className={r.correct ? "right" : "wrong"}>
							<td>{r.line}</td>
							<td>{r.subject ?? "–"}</td>
							<td>{r.chosen}</td>
							<td>{percent(r.probability)}</td>
							<td>
								{r.answer} {r.correct ? "✓" : "✗"}
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</div>
	);
}
