import { useCallback, useEffect, useState } from "react";
import type { LocalModelView } from "../../../src/api/native/NativeModels.js";
import { api, errorText, FIT_LABELS, formatBytes, formatCount } from "../api.js";
import { LoadProgress } from "../LoadProgress.js";

/** Every local model (Hearth's and other apps'), with load, unload and delete. */
export function Models() {
	const [models, setModels] = useState<LocalModelView[]>();
	const [error, setError] = useState<string>();
	const [busy, setBusy] = useState<string>();
	const [loadingKey, setLoadingKey] = useState<string>();
	const [ctx, setCtx] = useState("");
	const [gpuLayers, setGpuLayers] = useState("auto");
	const [threads, setThreads] = useState("");
	const [flash, setFlash] = useState(false);
	const [saveDefaults, setSaveDefaults] = useState(false);
	const refresh = useCallback(() => api.models().then(setModels, (e) => setError(errorText(e))), []);
	useEffect(() => {
		void refresh();
	}, [refresh]);
	const act = async (key: string, work: () => Promise<unknown>) => {
		setBusy(key);
		setError(undefined);
		try {
			await work();
			await refresh();
		} catch (e) {
			setError(errorText(e));
		} finally {
			setBusy(undefined);
		}
	};
	const load = (key: string) =>
		act(key, () => {
			setLoadingKey(key);
			return api
				.load({
					model: key,
					contextLength: ctx ? Number(ctx) : undefined,
					gpuLayers: gpuLayers === "auto" || gpuLayers === "max" ? gpuLayers : Number(gpuLayers),
					threads: threads ? Number(threads) : undefined,
					flashAttention: flash || undefined,
					saveAsDefaults: saveDefaults || undefined,
				})
				.finally(() => setLoadingKey(undefined));
		});
	return (
		<section className="view models">
			<fieldset className="row settings">
				<legend>Load with</legend>
				<label>
					Context{" "}
					<input aria-label="Context length" value={ctx} placeholder="4096" onChange={(e) => setCtx(e.target.value)} size={6} />
				</label>
				<label>
					GPU layers <input aria-label="GPU layers" value={gpuLayers} onChange={(e) => setGpuLayers(e.target.value)} size={5} />
				</label>
				<label>
					Threads{" "}
					<input aria-label="Threads" value={threads} placeholder="auto" onChange={(e) => setThreads(e.target.value)} size={4} />
				</label>
				<label>
					<input type="checkbox" checked={flash} onChange={(e) => setFlash(e.target.checked)} /> Flash attention
				</label>
				<label>
					<input type="checkbox" checked={saveDefaults} onChange={(e) => setSaveDefaults(e.target.checked)} /> Save as the model's
					defaults
				</label>
			</fieldset>
			{error && <p className="error">{error}</p>}
			{models?.length === 0 && <p className="muted">No models yet. Download one in Discover.</p>}
			<table aria-label="My models">
				<thead>
					<tr>
						<th>Model</th>
						<th>Source</th>
						<th>Size</th>
						<th>Arch</th>
						<th>Params</th>
						<th>Quant</th>
						<th>Fit</th>
						<th />
					</tr>
				</thead>
				<tbody>
					{models?.map((m) => (
						<tr key={m.key} data-model={m.key}>
							<td>
								{m.key}
								{m.invalid && <div className="error">Invalid: {m.invalid}</div>}
								{m.defaults && (
									<div className="muted defaults">
										defaults:{" "}
										{Object.entries(m.defaults)
											.map(([k, v]) => `${k} ${v}`)
											.join(", ")}
									</div>
								)}
							</td>
							<td>
								<span className="badge">{m.source}</span>
							</td>
							<td>{formatBytes(m.sizeBytes)}</td>
							<td>{m.architecture ?? "–"}</td>
							<td>{m.parameterCount ? formatCount(m.parameterCount) : "–"}</td>
							<td>{m.quantization ?? "–"}</td>
							<td>{m.fit ? <span className={`badge fit-${m.fit}`}>{FIT_LABELS[m.fit]}</span> : "–"}</td>
							<td className="actions">
								{!m.invalid &&
									(m.loaded ? (
										<button
											type="button"
											disabled={busy === m.key}
											onClick={() => void act(m.key, () => api.unload({ model: m.key }))}
										>
											Unload
										</button>
									) : (
										<button type="button" disabled={busy === m.key} onClick={() => void load(m.key)}>
											{busy === m.key ? "Loading…" : "Load"}
										</button>
									))}
								{loadingKey === m.key && <LoadProgress model={m.key} />}
								{m.deletable && (
									<button
										type="button"
										className="danger"
										onClick={() => {
											if (window.confirm(`Delete ${m.key} (${formatBytes(m.sizeBytes)})?`))
												void act(m.key, () => api.deleteModel(m.key));
										}}
									>
										Delete
									</button>
								)}
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</section>
	);
}
