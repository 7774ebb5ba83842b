import { useEffect, useState } from "react";
import type { HubModelView, RepoFilesView } from "../../../src/api/native/NativeHub.js";
import { api, errorText, FIT_LABELS, formatBytes, formatCount } from "../api.js";

const DEFAULT_REPO = "microsoft/Phi-3-mini-4k-instruct-gguf";
/**
 * The embedding model suggested for documents longer than the context: small (~140 MB in Q8_0),
 * fast on a CPU, 8k tokens of input, and a GGUF llama.cpp runs. Any GGUF embedding model works.
 */
const EMBEDDING_REPO = "nomic-ai/nomic-embed-text-v1.5-GGUF";

/** Search Hugging Face for GGUF models, open a repo, see which files fit, download one. */
export function Discover({ onDownloaded }: { onDownloaded: () => void }) {
	const [query, setQuery] = useState("");
	const [sort, setSort] = useState("downloads");
	const [results, setResults] = useState<HubModelView[] | undefined>();
	const [repo, setRepo] = useState<string | undefined>();
	const [error, setError] = useState<string>();
	const [busy, setBusy] = useState(false);

	const search = async () => {
		setBusy(true);
		setError(undefined);
		try {
			setResults(await api.searchHub(query, { sort, limit: 30 }));
			setRepo(undefined);
		} catch (e) {
			setError(errorText(e));
		} finally {
			setBusy(false);
		}
	};

	return (
		<section className="view discover">
			<form
				className="row"
				onSubmit={(e) => {
					e.preventDefault();
					void search();
				}}
			>
				<input
					aria-label="Search Hugging Face"
					placeholder="Search GGUF models, e.g. phi-3"
					value={query}
					onChange={(e) => setQuery(e.target.value)}
				/>
				<select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value)}>
					<option value="downloads">Most downloaded</option>
					<option value="likes">Most liked</option>
					<option value="updated">Recently updated</option>
				</select>
				<button type="submit" disabled={busy}>
					{busy ? "Searching…" : "Search"}
				</button>
			</form>
			{error && <p className="error">{error}</p>}
			{!results && !repo && (
				<div className="card suggestion">
					<p>New here? A small model that runs well without a GPU:</p>
					<button type="button" className="link" onClick={() => setRepo(DEFAULT_REPO)}>
						{DEFAULT_REPO}
					</button>
					<p>
						To chat about documents longer than the context, an embedding model that finds their relevant passages (choose it
						under "System prompt and sampling" in the chat):
					</p>
					<button type="button" className="link" onClick={() => setRepo(EMBEDDING_REPO)}>
						{EMBEDDING_REPO}
					</button>
				</div>
			)}
			{results && !repo && (
				<ul className="results" aria-label="Search results">
					{results.length === 0 && <li>No GGUF models match.</li>}
					{results.map((m) => (
						<li key={m.id}>
							<button type="button" className="link" onClick={() => setRepo(m.id)}>
								{m.id}
							</button>
							<span className="muted">
								{" "}
								{m.downloads.toLocaleString()} downloads · {m.likes.toLocaleString()} likes{m.gated ? " · gated" : ""}
							</span>
						</li>
					))}
				</ul>
			)}
			{repo && <RepoPage repo={repo} onBack={() => setRepo(undefined)} onDownloaded={onDownloaded} />}
		</section>
	);
}

function RepoPage({ repo, onBack, onDownloaded }: { repo: string; onBack: () => void; onDownloaded: () => void }) {
	const [files, setFiles] = useState<RepoFilesView>();
	const [error, setError] = useState<string>();
	useEffect(() => {
		api.repoFiles(repo).then(setFiles, (e) => setError(errorText(e)));
	}, [repo]);
	const download = async (path: string) => {
		try {
			await api.download({ repo, file: path });
			onDownloaded();
		} catch (e) {
			setError(errorText(e));
		}
	};
	return (
		<div className="repo">
			<button type="button" className="link" onClick={onBack}>
				← Back
			</button>
			<h2>{repo}</h2>
			{error && <p className="error">{error}</p>}
			{!files && !error && <p className="muted">Reading the repo and a remote GGUF header…</p>}
			{files?.header && (
				<p className="facts">
					{files.header.architecture} · {formatCount(files.header.parameterCount)} parameters · context{" "}
					{files.header.contextLength ?? "?"}
				</p>
			)}
			{files?.card && (
				<section className="model-card" aria-label="Model card">
					<p className="muted">
						{files.card.downloads.toLocaleString()} downloads · {files.card.likes.toLocaleString()} likes
						{files.card.license ? ` · license ${files.card.license}` : ""} · updated{" "}
						{new Date(files.card.updatedAt).toLocaleDateString()}
					</p>
					{/* Untrusted text from the hub: rendered as text, never as HTML. */}
					{files.card.summary?.split("\n\n").map((paragraph) => (
						<p key={paragraph}>{paragraph}</p>
					))}
				</section>
			)}
			{files && (
				<table aria-label="Files">
					<thead>
						<tr>
							<th>File</th>
							<th>Size</th>
							<th>Quantization</th>
							<th>Fit</th>
							<th />
						</tr>
					</thead>
					<tbody>
						{files.files.map((f) => (
							<tr key={f.path} data-file={f.path}>
								<td>
									{f.path}
									{f.parts.length > 1 ? ` (+${f.parts.length - 1} parts)` : ""}
									{f.recommended && <span className="badge recommended">Recommended</span>}
								</td>
								<td>{formatBytes(f.sizeBytes)}</td>
								<td>{f.quantization ?? "?"}</td>
								<td>
									<span className={`badge fit-${f.fit}`}>{FIT_LABELS[f.fit]}</span>
								</td>
								<td>
									{f.downloaded ? (
										<span className="muted">Downloaded</span>
									) : (
										<button type="button" onClick={() => void download(f.path)}>
											Download
										</button>
									)}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</div>
	);
}
