import type { ToolDecision } from "../../../src/api/native/NativeChat.js";
import type { StoredMessage } from "../../../src/api/native/NativeChats.js";
import { LoadProgress } from "../LoadProgress.js";
import { Markdown } from "../Markdown.js";
import { MessageBubble } from "./MessageBubble.js";
import { Reasoning } from "./Reasoning.js";
import { type ToolStep, ToolSteps } from "./ToolSteps.js";
import type { EditingMessage, StreamingAnswer } from "./useChatSession.js";

interface MessageListProps {
	messages: StoredMessage[];
	/** The answer streaming now; undefined when none is. */
	streaming: StreamingAnswer | undefined;
	/** The model the answer comes from, and whether the user's own load of it is under way. */
	model: string;
	loading: boolean;
	editing: EditingMessage | undefined;
	onEditing: (editing: EditingMessage | undefined) => void;
	onResend: () => void;
	onRegenerate: () => void;
	/** Absent while the conversation is not stored yet. */
	onBranch: ((messageId: string) => void) | undefined;
	onDecideTool: (step: ToolStep, decision: ToolDecision) => void;
}

/**
 * The conversation's messages, then the answer streaming now. Edit and Regenerate are hidden while
 * an answer streams, as they would rewrite the history it answers.
 */
export function MessageList({
	messages,
	streaming,
	model,
	loading,
	editing,
	onEditing,
	onResend,
	onRegenerate,
	onBranch,
	onDecideTool,
}: MessageListProps) {
	const idle = streaming === undefined;
	return (
		<ol className="messages" aria-label="Messages">
			{messages.map((m, i) => (
				<MessageBubble
					key={m.id}
					message={m}
					editText={editing?.id === m.id ? editing.text : undefined}
					onEditText={(text) => onEditing({ id: m.id, text })}
					onResend={onResend}
					onCancelEdit={() => onEditing(undefined)}
					onEdit={m.role === "user" && idle ? () => onEditing({ id: m.id, text: m.content }) : undefined}
					onRegenerate={m.role === "assistant" && i === messages.length - 1 && idle ? onRegenerate : undefined}
					onBranch={onBranch && (() => onBranch(m.id))}
				/>
			))}
			{streaming !== undefined && (
				<li className="message assistant streaming" data-role="assistant">
					{/* A chat request may have to load the model first: show that, not an empty bubble. */}
					{streaming.queuePosition !== undefined && (
						<p className="queued" role="status">
							Waiting for the model:{" "}
							{streaming.queuePosition === 1 ? "next in line" : `${streaming.queuePosition - 1} requests ahead in the queue`}
						</p>
					)}
					{streaming.text === "" && streaming.reasoning === "" && !loading && <LoadProgress model={model} quiet />}
					{streaming.reasoning && <Reasoning text={streaming.reasoning} tokens={undefined} thinking={streaming.text === ""} />}
					{streaming.tools && streaming.tools.length > 0 && <ToolSteps steps={streaming.tools} onDecide={onDecideTool} />}
					<Markdown text={streaming.text} />
				</li>
			)}
		</ol>
	);
}
