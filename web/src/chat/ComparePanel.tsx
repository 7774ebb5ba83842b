import { useState } from "react";
import type { GenerationStats } from "../../../src/api/native/NativeChat.js";
import type { LocalModelView } from "../../../src/api/native/NativeModels.js";
import { api, errorText } from "../api.js";
import { Markdown } from "../Markdown.js";
import { statsLine } from "./statsLine.js";

interface ColumnSetup {
	model: string;
	temperature: string;
}

interface ColumnState {
	text: string;
	status: "waiting" | "queued" | "streaming" | "done" | "error";
	stats?: GenerationStats;
	error?: string;
}

/**
 * Compare: one prompt to 2–4 columns — models, or one model at different temperatures — streamed
 * side by side (POST /hearth/compare), each with its stats; any answer can be kept as a normal
 * conversation.
 */
export function ComparePanel(props: { models: LocalModelView[]; system: string; onKept: (conversationId: string) => void }) {
	const first = props.models[0]?.key ?? "";
	const [setup, setSetup] = useState<ColumnSetup[]>([
		{ model: first, temperature: "0.8" },
		{ model: props.models[1]?.key ?? first, temperature: "0.8" },
	]);
	const [prompt, setPrompt] = useState("");
	const [asked, setAsked] = useState("");
	const [columns, setColumns] = useState<ColumnState[]>([]);
	const [error, setError] = useState<string>();
	const [controller, setController] = useState<AbortController>();

	const update = (index: number, change: (c: ColumnState) => ColumnState) =>
		setColumns((current) => current.map((c, i) => (i === index ? change(c) : c)));
	const run = async () => {
		const abort = new AbortController();
		setController(abort);
		setError(undefined);
		setAsked(prompt);
		setColumns(setup.map(() => ({ text: "", status: "waiting" })));
		const messages = [
			...(props.system ? [{ role: "system" as const, content: props.system }] : []),
			{ role: "user" as const, content: prompt },
		];
		const request = {
			messages,
			columns: setup.map((c) => ({ model: c.model, ...(c.temperature === "" ? {} : { temperature: Number(c.temperature) }) })),
		};
		try {
			for await (const event of api.compare(request, abort.signal)) {
				const i = event.column;
				if (event.type === "queued") update(i, (c) => ({ ...c, status: "queued" }));
				else if (event.type === "start") update(i, (c) => ({ ...c, status: "streaming" }));
				else if (event.type === "fragment") update(i, (c) => ({ ...c, text: c.text + event.text }));
				else if (event.type === "done") update(i, () => ({ text: event.text, status: "done", stats: event.stats }));
				else if (event.type === "error") update(i, (c) => ({ ...c, status: "error", error: event.error.message }));
			}
		} catch (e) {
			if (!abort.signal.aborted) setError(errorText(e));
		} finally {
			setController(undefined);
		}
	};
	const keep = async (index: number) => {
		const column = columns[index];
		const model = setup[index]?.model;
		if (!column || !model) return;
		try {
			const conversation = await api.createChat({ title: asked.slice(0, 60), model, systemPrompt: props.system || undefined });
			await api.appendMessage(conversation.id, { role: "user", content: asked });
			await api.appendMessage(conversation.id, { role: "assistant", content: column.text, stats: column.stats });
			props.onKept(conversation.id);
		} catch (e) {
			setError(errorText(e));
		}
	};
	const shortName = (key: string) => props.models.find((m) => m.key === key)?.shortKey ?? key;
	return (
		<section className="compare" aria-label="Compare">
			<div className="compare-setup">
				{setup.map((c, i) => (
					// Columns are positions: the index is the column's identity.
					// biome-ignore lint/suspicious/noArrayIndexKey: see above
					<fieldset key={i} className="compare-column-setup">
						<legend>Column {i + 1}</legend>
						<select
							aria-label={`Model of column ${i + 1}`}
							value={c.model}
							onChange={(e) => setSetup(setup.map((s, j) => (j === i ? { ...s, model: e.target.value } : s)))}
						>
							{props.models.map((m) => (
								<option key={m.key} value={m.key}>
									{m.shortKey}
								</option>
							))}
						</select>
						<label>
							Temperature{" "}
							<input
								aria-label={`Temperature of column ${i + 1}`}
								type="number"
								min={0}
								max={2}
								step={0.1}
								value={c.temperature}
								onChange={(e) => setSetup(setup.map((s, j) => (j === i ? { ...s, temperature: e.target.value } : s)))}
							/>
						</label>
						{setup.length > 2 && (
							<button type="button" onClick={() => setSetup(setup.filter((_, j) => j !== i))}>
								Remove
							</button>
						)}
					</fieldset>
				))}
				{setup.length < 4 && (
					<button type="button" onClick={() => setSetup([...setup, { model: first, temperature: "0.8" }])}>
						Add column
					</button>
				)}
			</div>
			<form
				className="compare-prompt"
				onSubmit={(e) => {
					e.preventDefault();
					if (prompt.trim() && !controller) void run();
				}}
			>
				<textarea aria-label="Prompt to compare" value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={3} />
				{controller ? (
					<button type="button" onClick={() => controller.abort()}>
						Stop
					</button>
				) : (
					<button type="submit" disabled={!prompt.trim()}>
						Compare
					</button>
				)}
			</form>
			{error && <p className="error">{error}</p>}
			<div className="compare-columns">
				{columns.map((c, i) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: columns are positions
					<article key={i} className="compare-answer" aria-label={`Answer of column ${i + 1}`} data-status={c.status}>
						<h3>
							{shortName(setup[i]?.model ?? "")} · temperature {setup[i]?.temperature || "default"}
						</h3>
						{c.status === "waiting" && <p className="muted">Waiting…</p>}
						{c.status === "queued" && <p className="muted">Waiting for its model's turn…</p>}
						<Markdown text={c.text} />
						{c.error && <p className="error">{c.error}</p>}
						{c.stats && <p className="stats">{statsLine(c.stats)}</p>}
						{c.status === "done" && (
							<button type="button" onClick={() => void keep(i)}>
								Keep as conversation
							</button>
						)}
					</article>
				))}
			</div>
		</section>
	);
}
