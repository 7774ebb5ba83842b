import { lazy, Suspense, useMemo, useState } from "react";
import type { BenchReport, BenchRun, TuneObjective } from "../../../src/api/native/NativeBench.js";
import type { BenchPreset, StoredBenchRunView } from "../../../src/api/native/NativeMeasure.js";
import { api, formatBytes } from "../api.js";
import { ModelSelect, RunButton, useMeasurement } from "./useMeasurement.js";

const MeasureChart = lazy(() => import("../charts/MeasureChart.js"));

const PRESETS: Record<BenchPreset, string> = {
	quick: "Quick — the model's defaults, once (about a minute)",
	full: "Full — each thread count × 1, 2, 4 streams",
	tune: "Tune — find the fastest settings and save them",
};

/** A kept benchmark: the runs of one report, which share its time and model. */
interface KeptReport {
	id: string;
	createdAt: string;
	model: string;
	runs: BenchRun[];
}

const listBenchRuns = () => api.benchRuns();

const settingLabel = (r: BenchRun) =>
	`${r.threads}t${r.batch ? ` b${r.batch}` : ""}${r.flashAttention ? " FA" : ""}${r.kvCacheType && r.kvCacheType !== "f16" ? ` ${r.kvCacheType}` : ""} ×${r.parallel}`;

/** Benchmarks on this machine: run a preset with progress, see the results as charts, compare kept runs. */
export function Bench() {
	const [preset, setPreset] = useState<BenchPreset>("quick");
	const [objective, setObjective] = useState<TuneObjective>("generation");
	const [chosen, setChosen] = useState<Set<string>>(new Set());
	// A kept run whose results are shown in place of the last run's.
	const [shown, setShown] = useState<string | undefined>();
	const { models, model, setModel, progress, report, kept, error, running, run } = useMeasurement(
		listBenchRuns,
		(model: string, signal) => api.bench({ model, preset, objective: preset === "tune" ? objective : undefined }, signal),
	);

	const reports = useMemo(() => groupReports(kept), [kept]);
	const compared = reports.filter((r) => chosen.has(r.id));
	const shownReport = reports.find((r) => r.id === shown);
	return (
		<section className="view bench">
			<form
				className="toolbar"
				onSubmit={(e) => {
					e.preventDefault();
					void run({ type: "progress", done: 0, total: 1, label: "starting" });
				}}
			>
				<ModelSelect models={models} value={model} onChange={setModel} disabled={Boolean(running)} />
				<label>
					Preset{" "}
					<select
						aria-label="Preset"
						value={preset}
						onChange={(e) => setPreset(e.target.value as BenchPreset)}
						disabled={Boolean(running)}
					>
						{Object.entries(PRESETS).map(([value, text]) => (
							<option key={value} value={value}>
								{text}
							</option>
						))}
					</select>
				</label>
				{preset === "tune" && (
					<label>
						Optimise{" "}
						<select aria-label="Optimise" value={objective} onChange={(e) => setObjective(e.target.value as TuneObjective)}>
							<option value="generation">one stream's speed</option>
							<option value="throughput">all streams together</option>
						</select>
					</label>
				)}
				<RunButton running={running} canRun={Boolean(model)} />
			</form>
			{progress && (
				<div className="bench-progress" aria-live="polite">
					<progress max={progress.total} value={progress.done} aria-label="Benchmark progress" />
					<span className="muted">
						{progress.done}/{progress.total} settings · {progress.label}
					</span>
				</div>
			)}
			{error && <p className="error">{error}</p>}
			{shownReport ? (
				<>
					<p className="muted">
						Showing the run of {new Date(shownReport.createdAt).toLocaleString()} ({shownReport.model}){" "}
						<button type="button" onClick={() => setShown(undefined)}>
							Hide
						</button>
					</p>
					<BenchResult report={shownReport} />
				</>
			) : (
				report && <BenchResult report={report} />
			)}
			<h2>Earlier runs</h2>
			{reports.length === 0 && <p className="muted">No benchmarks kept yet.</p>}
			{reports.length > 0 && (
				<table className="table" aria-label="Earlier benchmarks">
					<thead>
						<tr>
							<th>Compare</th>
							<th>When</th>
							<th>Model</th>
							<th>Settings</th>
							<th>Best generation</th>
							<th>Results</th>
						</tr>
					</thead>
					<tbody>
						{reports.map((r) => (
							<tr key={r.id}>
								<td>
									<input
										type="checkbox"
										aria-label={`Compare the run of ${new Date(r.createdAt).toLocaleString()}`}
										checked={chosen.has(r.id)}
										onChange={(e) =>
											setChosen((current) => {
												const next = new Set(current);
												if (e.target.checked) next.add(r.id);
												else next.delete(r.id);
												return next;
											})
										}
									/>
								</td>
								<td>{new Date(r.createdAt).toLocaleString()}</td>
								<td>{r.model}</td>
								<td>{r.runs.length}</td>
								<td>{Math.max(...r.runs.map((x) => x.tgTokensPerSecond)).toFixed(1)} tok/s</td>
								<td>
									<button
										type="button"
										aria-label={`Show the run of ${new Date(r.createdAt).toLocaleString()}`}
										aria-pressed={shown === r.id}
										onClick={() => setShown(shown === r.id ? undefined : r.id)}
									>
										Show
									</button>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			{compared.length > 1 && (
				<Suspense fallback={<p className="muted">Loading the chart…</p>}>
					<MeasureChart
						kind="bar"
						title="Best generation and prompt speed of the chosen runs"
						unit="tok/s"
						labels={compared.map((r) => `${r.model.split("/").at(-1)} ${new Date(r.createdAt).toLocaleDateString()}`)}
						series={[
							{ label: "generation", values: compared.map((r) => Math.max(...r.runs.map((x) => x.tgTokensPerSecond))) },
							{ label: "prompt", values: compared.map((r) => Math.max(...r.runs.map((x) => x.ppTokensPerSecond))) },
						]}
					/>
				</Suspense>
			)}
		</section>
	);
}

/** One report: its numbers as a table and as charts of speed, first token and memory per setting. */
function BenchResult({ report }: { report: Pick<BenchReport, "runs" | "tune"> }) {
	const labels = report.runs.map(settingLabel);
	const parallels = [...new Set(report.runs.map((r) => r.parallel))].sort((a, b) => a - b);
	const threads = [...new Set(report.runs.map((r) => r.threads))].sort((a, b) => a - b);
	const best = report.tune ? report.runs[report.tune.bestRun] : undefined;
	return (
		<div className="bench-result">
			{report.tune && best && (
				<p className="tune-summary">
					Chose {report.tune.chosen.threads} threads, flash attention {report.tune.chosen.flashAttention ? "on" : "off"}, KV cache{" "}
					{report.tune.chosen.kvCacheType ?? "f16"}
					{report.tune.chosen.batchSize ? `, batch ${report.tune.chosen.batchSize}` : ""}: generation{" "}
					{best.tgTokensPerSecond.toFixed(1)} tok/s, {report.tune.generationSpeedup.toFixed(2)}× the defaults. Saved as the
					model's defaults.
				</p>
			)}
			<table className="table" aria-label="Benchmark results">
				<thead>
					<tr>
						<th>Setting</th>
						<th>Load</th>
						<th>Prompt tok/s</th>
						<th>Generation tok/s</th>
						<th>First token</th>
						<th>Peak memory</th>
					</tr>
				</thead>
				<tbody>
					{report.runs.map((r, i) => (
						<tr key={JSON.stringify([r.threads, r.ctx, r.batch, r.flashAttention, r.kvCacheType, r.parallel])}>
							<td>{labels[i]}</td>
							<td>{(r.loadMs / 1000).toFixed(1)} s</td>
							<td>{r.ppTokensPerSecond.toFixed(1)}</td>
							<td>{r.tgTokensPerSecond.toFixed(1)}</td>
							<td>{Math.round(r.ttftMs)} ms</td>
							<td>{r.peakRssBytes === undefined ? "–" : formatBytes(r.peakRssBytes)}</td>
						</tr>
					))}
				</tbody>
			</table>
			<Suspense fallback={<p className="muted">Loading the charts…</p>}>
				<div className="charts">
					<MeasureChart
						kind="bar"
						title="Generation speed per setting (all streams together)"
						unit="tok/s"
						labels={labels}
						series={[{ label: "generation", values: report.runs.map((r) => r.tgTokensPerSecond) }]}
					/>
					<MeasureChart
						kind="bar"
						title="Prompt speed per setting"
						unit="tok/s"
						labels={labels}
						series={[{ label: "prompt", values: report.runs.map((r) => r.ppTokensPerSecond) }]}
					/>
					{parallels.length > 1 && (
						<MeasureChart
							kind="line"
							title="Generation speed of all streams against parallel streams, per thread count"
							unit="tok/s"
							labels={parallels.map(String)}
							series={threads.map((t) => ({
								label: `${t} threads`,
								values: parallels.map(
									(p) => report.runs.find((r) => r.threads === t && r.parallel === p)?.tgTokensPerSecond ?? null,
								),
							}))}
						/>
					)}
					<MeasureChart
						kind="bar"
						title="Time to first token per setting"
						unit="ms"
						labels={labels}
						series={[{ label: "first token", values: report.runs.map((r) => r.ttftMs) }]}
					/>
					{report.runs.some((r) => r.peakRssBytes !== undefined) && (
						<MeasureChart
							kind="bar"
							title="Peak runner memory per setting"
							unit="MiB"
							labels={labels}
							series={[
								{ label: "peak RSS", values: report.runs.map((r) => (r.peakRssBytes ?? 0) / 2 ** 20) },
								// On a GPU: the memory that decides what fits there.
								...(report.runs.some((r) => r.peakVramBytes !== undefined)
									? [{ label: "VRAM", values: report.runs.map((r) => (r.peakVramBytes ?? 0) / 2 ** 20) }]
									: []),
							]}
						/>
					)}
				</div>
			</Suspense>
		</div>
	);
}

function groupReports(kept: StoredBenchRunView[]): KeptReport[] {
	const groups = new Map<string, KeptReport>();
	for (const row of kept) {
		const id = `${row.createdAt}|${row.model}`;
		const group = groups.get(id) ?? { id, createdAt: row.createdAt, model: row.model, runs: [] };
		group.runs.push(row.run);
		groups.set(id, group);
	}
	// Stored newest first, each report's runs in the order they ran (ids ascending).
	for (const group of groups.values()) group.runs.reverse();
	return [...groups.values()];
}
