import { useCallback, useEffect, useRef, useState } from "react";
import { type GenerationStats, stoppedByClient } from "../../../src/api/native/NativeChat.js";
import { type Conversation, ConversationExport, type StoredMessage } from "../../../src/api/native/NativeChats.js";
import type { LocalModelView } from "../../../src/api/native/NativeModels.js";
import { api, errorText } from "../api.js";
import { LoadProgress } from "../LoadProgress.js";
import { Markdown } from "../Markdown.js";

interface Settings {
	temperature: string;
	topP: string;
	topK: string;
	minP: string;
	repeatPenalty: string;
	maxTokens: string;
	stop: string;
	seed: string;
	overflow: "error" | "stopAtLimit" | "truncateMiddle" | "rollingWindow";
}

const DEFAULTS: Settings = {
	temperature: "0.8",
	topP: "0.95",
	topK: "40",
	minP: "0.05",
	repeatPenalty: "1.1",
	maxTokens: "",
	stop: "",
	seed: "",
	overflow: "error",
};

function statsLine(s: GenerationStats): string {
	const cached = s.cachedPromptTokens > 0 ? ` · ${s.cachedPromptTokens} of ${s.promptTokens} prompt tokens cached` : "";
	return `${s.tokensPerSecond.toFixed(1)} tok/s · TTFT ${Math.round(s.timeToFirstTokenMs)} ms · ${s.generatedTokens} tokens · stop: ${s.stopReason.replace("_", " ")}${cached}`;
}

/** Conversations persisted by the server; answers stream as sanitised Markdown with their stats. */
export function Chat() {
	const [chats, setChats] = useState<Conversation[]>([]);
	const [search, setSearch] = useState("");
	const [current, setCurrent] = useState<Conversation>();
	const [messages, setMessages] = useState<StoredMessage[]>([]);
	const [models, setModels] = useState<LocalModelView[]>([]);
	const [model, setModel] = useState("");
	const [contextLength, setContextLength] = useState<number>();
	const [loading, setLoading] = useState(false);
	/** Models the server has in memory (asked again after each load, as loads may evict others). */
	const [loadedModels, setLoadedModels] = useState<string[]>([]);
	const refreshLoaded = useCallback(
		() =>
			api.loaded().then(
				(list) => setLoadedModels(list.map((m) => m.id)),
				() => {},
			),
		[],
	);
	const [system, setSystem] = useState("");
	const [settings, setSettings] = useState<Settings>(DEFAULTS);
	const [input, setInput] = useState("");
	const [streaming, setStreaming] = useState<string>();
	const [editing, setEditing] = useState<{ id: string; text: string }>();
	const [error, setError] = useState<string>();
	const stop = useRef<AbortController | undefined>(undefined);
	const importer = useRef<HTMLInputElement>(null);

	const refreshChats = useCallback(() => api.chats(search || undefined).then(setChats, (e) => setError(errorText(e))), [search]);
	useEffect(() => {
		void refreshChats();
	}, [refreshChats]);
	useEffect(() => {
		api.models().then(
			(list) => {
				const usable = list.filter((m) => !m.invalid);
				setModels(usable);
				setModel((m) => m || usable[0]?.key || "");
			},
			(e) => setError(errorText(e)),
		);
		void refreshLoaded();
	}, [refreshLoaded]);

	const open = async (id: string) => {
		const { conversation, messages } = await api.chatWithMessages(id);
		setCurrent(conversation);
		setMessages(messages);
		setSystem(conversation.systemPrompt ?? "");
		if (conversation.model) setModel(conversation.model);
		if (conversation.settings) setSettings({ ...DEFAULTS, ...(conversation.settings as Partial<Settings>) });
	};

	const pickModel = async (key: string) => {
		setModel(key);
		setLoading(true);
		setError(undefined);
		try {
			const loaded = await api.load({ model: key });
			setContextLength(loaded.contextLength);
			void refreshLoaded();
		} catch (e) {
			setError(errorText(e));
		} finally {
			setLoading(false);
		}
	};

	/** Generates the assistant's answer to `history` and stores it. */
	const answer = async (conversation: Conversation, history: StoredMessage[]) => {
		const controller = new AbortController();
		stop.current = controller;
		setStreaming("");
		setError(undefined);
		let text = "";
		let stats: GenerationStats | undefined;
		const n = (v: string) => (v.trim() === "" ? undefined : Number(v));
		try {
			for await (const event of api.chat(
				{
					model,
					messages: [
						...(system ? [{ role: "system" as const, content: system }] : []),
						...history.map((m) => ({ role: m.role, content: m.content })),
					],
					temperature: n(settings.temperature),
					topP: n(settings.topP),
					topK: n(settings.topK),
					minP: n(settings.minP),
					repeatPenalty: n(settings.repeatPenalty),
					maxTokens: n(settings.maxTokens),
					seed: n(settings.seed),
					stop: settings.stop
						? settings.stop
								.split(",")
								.map((s) => s.trim())
								.filter(Boolean)
						: undefined,
					contextOverflowPolicy: settings.overflow,
				},
				controller.signal,
			)) {
				if (event.type === "start") {
					setContextLength(event.contextLength);
					void refreshLoaded();
				}
				if (event.type === "fragment") {
					text += event.text;
					setStreaming(text);
				}
				if (event.type === "done") stats = event.stats;
				if (event.type === "error") throw new Error(event.error.message);
			}
		} catch (e) {
			if (!controller.signal.aborted) setError(errorText(e));
		}
		if (controller.signal.aborted && !stats) stats = stoppedByClient();
		stop.current = undefined;
		// The streamed answer stays on screen until its stored copy replaces it, so it never blinks out.
		try {
			if (text || stats) {
				const saved = await api.appendMessage(conversation.id, { role: "assistant", content: text, stats });
				setMessages((m) => [...m, saved]);
			}
		} catch (e) {
			setError(errorText(e));
		} finally {
			setStreaming(undefined);
		}
		void refreshChats();
	};

	const send = async () => {
		const text = input.trim();
		if (!text || streaming !== undefined || !model) return;
		setInput("");
		let conversation = current;
		if (!conversation) {
			conversation = await api.createChat({
				title: text.slice(0, 60),
				model,
				systemPrompt: system || undefined,
				settings: { ...settings },
			});
			setCurrent(conversation);
		} else await api.updateChat(conversation.id, { model, systemPrompt: system || undefined, settings: { ...settings } });
		const saved = await api.appendMessage(conversation.id, { role: "user", content: text });
		const history = [...messages, saved];
		setMessages(history);
		await answer(conversation, history);
	};

	const regenerate = async () => {
		if (!current || streaming !== undefined) return;
		const lastUser = [...messages].reverse().find((m) => m.role === "user");
		if (!lastUser) return;
		const kept = await api.rewriteMessage(current.id, lastUser.id);
		setMessages(kept);
		await answer(current, kept);
	};

	const resend = async () => {
		if (!current || !editing) return;
		const kept = await api.rewriteMessage(current.id, editing.id, editing.text);
		setEditing(undefined);
		setMessages(kept);
		await answer(current, kept);
	};

	const used = (() => {
		const last = [...messages].reverse().find((m) => m.stats);
		return last?.stats ? last.stats.promptTokens + last.stats.generatedTokens : 0;
	})();

	return (
		<section className="view chat">
			<aside className="sidebar">
				<button
					type="button"
					onClick={() => {
						setCurrent(undefined);
						setMessages([]);
					}}
				>
					New chat
				</button>
				<input
					aria-label="Search conversations"
					placeholder="Search"
					value={search}
					onChange={(e) => setSearch(e.target.value)}
				/>
				<ul aria-label="Conversations">
					{chats.map((c) => (
						<li key={c.id} className={c.id === current?.id ? "active" : ""}>
							<button type="button" className="link" onClick={() => void open(c.id)}>
								{c.title}
							</button>
							<button
								type="button"
								aria-label={`Rename ${c.title}`}
								onClick={() => {
									const title = window.prompt("Rename conversation", c.title);
									if (title) void api.updateChat(c.id, { title }).then(refreshChats);
								}}
							>
								✎
							</button>
							<button
								type="button"
								aria-label={`Delete ${c.title}`}
								onClick={() => {
									if (!window.confirm(`Delete "${c.title}"?`)) return;
									void api.deleteChat(c.id).then(() => {
										if (current?.id === c.id) {
											setCurrent(undefined);
											setMessages([]);
										}
										return refreshChats();
									});
								}}
							>
								×
							</button>
						</li>
					))}
				</ul>
				<div className="row">
					<button type="button" disabled={!current} onClick={() => current && void exportChat(current)}>
						Export
					</button>
					<button type="button" onClick={() => importer.current?.click()}>
						Import
					</button>
					<input
						ref={importer}
						type="file"
						accept="application/json"
						hidden
						onChange={(e) => {
							const file = e.target.files?.[0];
							if (file)
								void file
									.text()
									.then((t) => api.importChat(ConversationExport.parse(JSON.parse(t))))
									.then((c) => open(c.id))
									.then(refreshChats)
									.catch((err) => setError(errorText(err)));
						}}
					/>
				</div>
			</aside>
			<div className="conversation">
				<div className="row toolbar">
					<select aria-label="Model" value={model} onChange={(e) => void pickModel(e.target.value)}>
						{models.length === 0 && <option value="">No models: download one in Discover</option>}
						{models.map((m) => (
							<option key={m.key} value={m.key}>
								{m.key}
							</option>
						))}
					</select>
					{loading && <LoadProgress model={model} />}
					{!loading && model && !loadedModels.includes(model) && (
						<button type="button" onClick={() => void pickModel(model)}>
							Load
						</button>
					)}
					{!loading && model && loadedModels.includes(model) && <span className="badge loaded">Loaded</span>}
					<span className="meter" title="Context used by the last answer">
						Context {used}
						{contextLength ? ` / ${contextLength}` : ""} ·{" "}
						<select
							aria-label="Overflow policy"
							value={settings.overflow}
							onChange={(e) => setSettings({ ...settings, overflow: e.target.value as Settings["overflow"] })}
						>
							<option value="error">refuse when full</option>
							<option value="stopAtLimit">stop at limit</option>
							<option value="truncateMiddle">truncate middle</option>
							<option value="rollingWindow">rolling window</option>
						</select>
					</span>
				</div>
				<details className="settings">
					<summary>System prompt and sampling</summary>
					<textarea
						aria-label="System prompt"
						placeholder="System prompt"
						value={system}
						onChange={(e) => setSystem(e.target.value)}
					/>
					<div className="row">
						{(["temperature", "topP", "topK", "minP", "repeatPenalty", "maxTokens", "seed", "stop"] as const).map((key) => (
							<label key={key}>
								{key}{" "}
								<input
									aria-label={key}
									value={settings[key]}
									onChange={(e) => setSettings({ ...settings, [key]: e.target.value })}
									size={6}
								/>
							</label>
						))}
					</div>
				</details>
				{error && <p className="error">{error}</p>}
				<ol className="messages" aria-label="Messages">
					{messages.map((m, i) => (
						<li key={m.id} className={`message ${m.role}`} data-role={m.role}>
							{editing?.id === m.id ? (
								<div>
									<textarea
										aria-label="Edit message"
										value={editing.text}
										onChange={(e) => setEditing({ id: m.id, text: e.target.value })}
									/>
									<button type="button" onClick={() => void resend()}>
										Send
									</button>
									<button type="button" onClick={() => setEditing(undefined)}>
										Cancel
									</button>
								</div>
							) : m.role === "assistant" ? (
								<Markdown text={m.content} />
							) : (
								<p className="plain">{m.content}</p>
							)}
							{m.stats && <p className="stats">{statsLine(m.stats)}</p>}
							<div className="message-actions">
								{m.role === "user" && streaming === undefined && (
									<button type="button" onClick={() => setEditing({ id: m.id, text: m.content })}>
										Edit
									</button>
								)}
								{m.role === "assistant" && i === messages.length - 1 && streaming === undefined && (
									<button type="button" onClick={() => void regenerate()}>
										Regenerate
									</button>
								)}
								<button type="button" onClick={() => void navigator.clipboard?.writeText(m.content)}>
									Copy
								</button>
								{current && (
									<button
										type="button"
										onClick={() =>
											void api
												.branchChat(current.id, m.id)
												.then((c) => open(c.id))
												.then(refreshChats)
										}
									>
										Branch
									</button>
								)}
							</div>
						</li>
					))}
					{streaming !== undefined && (
						<li className="message assistant streaming" data-role="assistant">
							{streaming === "" && !loading && <LoadProgress model={model} quiet />}
							<Markdown text={streaming} />
						</li>
					)}
				</ol>
				<div className="composer row">
					<textarea
						aria-label="Message"
						placeholder={model ? "Ask something (Enter sends, Shift+Enter for a new line, Esc stops)" : "Download a model first"}
						value={input}
						onChange={(e) => setInput(e.target.value)}
						onKeyDown={(e) => {
							if (e.key === "Enter" && !e.shiftKey) {
								e.preventDefault();
								void send();
							} else if (e.key === "Escape") stop.current?.abort();
						}}
					/>
					{streaming !== undefined ? (
						<button type="button" onClick={() => stop.current?.abort()}>
							Stop
						</button>
					) : (
						<button type="button" onClick={() => void send()} disabled={!model}>
							Send
						</button>
					)}
				</div>
			</div>
		</section>
	);
}

async function exportChat(conversation: Conversation) {
	const data = await api.exportChat(conversation.id);
	const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
	const link = document.createElement("a");
	link.href = url;
	link.download = `${conversation.title.replace(/[^\w .-]/g, "_")}.json`;
	link.click();
	URL.revokeObjectURL(url);
}
