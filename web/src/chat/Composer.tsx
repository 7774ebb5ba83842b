import { useRef, useState } from "react";
import type { AttachmentRef } from "../../../src/api/native/NativeChats.js";
import { api, errorText, formatBytes } from "../api.js";

/** A file being attached: read by the server (its size and tokens then known), or refused with why. */
interface Pending {
	id: number;
	name: string;
	size: number;
	ref?: AttachmentRef;
	error?: string;
}

interface ComposerProps {
	model: string;
	/** An answer is streaming: the button stops it instead of sending. */
	streaming: boolean;
	onSend: (text: string, attachments: AttachmentRef[]) => void;
	onStop: () => void;
}

let nextId = 0;

/**
 * The message box: Enter sends, Shift+Enter breaks the line, Esc stops the answer. Files come by
 * the Attach button, by dropping them on the box or by pasting them; each is read by the server at
 * once (POST /hearth/attachments), so its size and length in the model's tokens show — or why it
 * cannot be read — before sending, and it can be removed until then.
 */
export function Composer({ model, streaming, onSend, onStop }: ComposerProps) {
	const [input, setInput] = useState("");
	const [pending, setPending] = useState<Pending[]>([]);
	const [dragging, setDragging] = useState(false);
	const picker = useRef<HTMLInputElement>(null);
	const reading = pending.some((p) => !p.ref && !p.error);

	const attach = (files: File[]) => {
		for (const file of files) {
			const id = nextId++;
			setPending((list) => [...list, { id, name: file.name, size: file.size }]);
			api.uploadAttachment(file, model || undefined).then(
				(ref) => setPending((list) => list.map((p) => (p.id === id ? { ...p, ref } : p))),
				(e) => setPending((list) => list.map((p) => (p.id === id ? { ...p, error: errorText(e) } : p))),
			);
		}
	};
	const send = () => {
		const text = input.trim();
		// The draft is kept when it cannot be sent yet, so nothing typed or attached is lost.
		if (!text || streaming || !model || reading) return;
		const refs = pending.flatMap((p) => (p.ref ? [p.ref] : []));
		setInput("");
		setPending([]);
		onSend(text, refs);
	};
	return (
		// A drop target for files; the controls inside are what the keyboard reaches.
		<section
			aria-label="New message"
			className={`composer${dragging ? " dragging" : ""}`}
			onDragOver={(e) => {
				if (!e.dataTransfer.types.includes("Files")) return;
				e.preventDefault();
				setDragging(true);
			}}
			onDragLeave={() => setDragging(false)}
			onDrop={(e) => {
				e.preventDefault();
				setDragging(false);
				attach([...e.dataTransfer.files]);
			}}
		>
			{pending.length > 0 && (
				<ul className="attachments" aria-label="Attachments">
					{pending.map((p) => (
						<li key={p.id} className={p.error ? "attachment error" : "attachment"}>
							<span className="name">{p.name}</span>{" "}
							<span className="muted">
								{formatBytes(p.size)}
								{p.ref?.pages ? ` · ${p.ref.pages} pages` : ""}
								{p.ref?.tokens !== undefined ? ` · ${p.ref.tokens} tokens` : ""}
								{!p.ref && !p.error ? " · reading…" : ""}
							</span>
							{p.error && <span className="error-text"> — {p.error}</span>}
							<button
								type="button"
								aria-label={`Remove ${p.name}`}
								onClick={() => setPending((list) => list.filter((x) => x.id !== p.id))}
							>
								×
							</button>
						</li>
					))}
				</ul>
			)}
			<div className="row">
				<input
					ref={picker}
					type="file"
					multiple
					hidden
					aria-label="Attach files"
					onChange={(e) => {
						attach([...(e.target.files ?? [])]);
						e.target.value = "";
					}}
				/>
				<button
					type="button"
					onClick={() => picker.current?.click()}
					disabled={!model}
					title="PDF, DOCX, text, Markdown, code, CSV, HTML"
				>
					Attach
				</button>
				<textarea
					aria-label="Message"
					placeholder={
						model
							? "Ask something (Enter sends, Shift+Enter for a new line, Esc stops; drop or paste files)"
							: "Download a model first"
					}
					value={input}
					onChange={(e) => setInput(e.target.value)}
					onPaste={(e) => {
						const files = [...e.clipboardData.files];
						if (files.length === 0) return;
						e.preventDefault();
						attach(files);
					}}
					onKeyDown={(e) => {
						if (e.key === "Enter" && !e.shiftKey) {
							e.preventDefault();
							send();
						} else if (e.key === "Escape") onStop();
					}}
				/>
				{streaming ? (
					<button type="button" onClick={onStop}>
						Stop
					</button>
				) : (
					<button type="button" onClick={send} disabled={!model || reading}>
						Send
					</button>
				)}
			</div>
		</section>
	);
}
