import type { DocumentSource } from "../../../src/api/native/NativeChat.js";
import type { StoredMessage } from "../../../src/api/native/NativeChats.js";
import { formatBytes } from "../api.js";
import { Markdown } from "../Markdown.js";
import { Reasoning } from "./Reasoning.js";
import { statsLine } from "./statsLine.js";
import { ToolSteps } from "./ToolSteps.js";

interface MessageBubbleProps {
	message: StoredMessage;
	/** The text being edited, when this message is the one being rewritten. */
	editText: string | undefined;
	onEditText: (text: string) => void;
	onResend: () => void;
	onCancelEdit: () => void;
	/** Starts rewriting this message; absent where it cannot be edited now. */
	onEdit: (() => void) | undefined;
	/** Answers again in place of this message; absent where it cannot be regenerated now. */
	onRegenerate: (() => void) | undefined;
	/** Copies the conversation up to this message into a new one; absent while the conversation is not stored yet. */
	onBranch: (() => void) | undefined;
}

/**
 * One stored message: the user's as plain text, the assistant's as sanitised Markdown with its stats,
 * below a thinking model's reasoning (collapsed).
 */
export function MessageBubble({
	message,
	editText,
	onEditText,
	onResend,
	onCancelEdit,
	onEdit,
	onRegenerate,
	onBranch,
}: MessageBubbleProps) {
	return (
		<li className={`message ${message.role}`} data-role={message.role}>
			{editText !== undefined ? (
				<div>
					<textarea aria-label="Edit message" value={editText} onChange={(e) => onEditText(e.target.value)} />
					<button type="button" onClick={onResend}>
						Send
					</button>
					<button type="button" onClick={onCancelEdit}>
						Cancel
					</button>
				</div>
			) : message.role === "assistant" ? (
				<>
					{message.tools && message.tools.length > 0 && <ToolSteps steps={message.tools} onDecide={() => {}} />}
					{message.reasoning && <Reasoning text={message.reasoning} tokens={message.stats?.reasoningTokens} thinking={false} />}
					<Markdown text={message.content} />
				</>
			) : (
				<p className="plain">{message.content}</p>
			)}
			{message.attachments && message.attachments.length > 0 && (
				<ul className="attachments" aria-label="Attached files">
					{message.attachments.map((a) => (
						<li key={a.hash} className="attachment">
							<span className="name">{a.name}</span>{" "}
							<span className="muted">
								{formatBytes(a.size)}
								{a.pages ? ` · ${a.pages} pages` : ""}
								{a.tokens !== undefined ? ` · ${a.tokens} tokens` : ""}
							</span>
						</li>
					))}
				</ul>
			)}
			{message.stats && <p className="stats">{statsLine(message.stats)}</p>}
			{message.sources && message.sources.length > 0 && <Sources sources={message.sources} />}
			<div className="message-actions">
				{onEdit && (
					<button type="button" onClick={onEdit}>
						Edit
					</button>
				)}
				{onRegenerate && (
					<button type="button" onClick={onRegenerate}>
						Regenerate
					</button>
				)}
				<button type="button" onClick={() => void navigator.clipboard?.writeText(message.content)}>
					Copy
				</button>
				{onBranch && (
					<button type="button" onClick={onBranch}>
						Branch
					</button>
				)}
			</div>
		</li>
	);
}

/** The passages of long attachments an answer was given, most similar to the question first. */
function Sources({ sources }: { sources: DocumentSource[] }) {
	return (
		<details className="sources">
			<summary>
				Sources: {sources.length} passage{sources.length === 1 ? "" : "s"} of{" "}
				{[...new Set(sources.map((s) => s.document))].join(", ")}
			</summary>
			<ol aria-label="Sources">
				{sources.map((s) => (
					<li key={`${s.document}:${s.passage}`}>
						{s.document}, passage {s.passage} of {s.passages}
						{s.page === undefined ? "" : `, page ${s.page}`} <span className="muted">(similarity {s.score.toFixed(2)})</span>
						<blockquote>{s.text}</blockquote>
					</li>
				))}
			</ol>
		</details>
	);
}
