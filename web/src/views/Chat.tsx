import { useState } from "react";
import { ComparePanel } from "../chat/ComparePanel.js";
import { Composer } from "../chat/Composer.js";
import { ContextMeter } from "../chat/ContextMeter.js";
import { ConversationSidebar } from "../chat/ConversationSidebar.js";
import { exportChat } from "../chat/exportChat.js";
import { MessageList } from "../chat/MessageList.js";
import { ModelPicker } from "../chat/ModelPicker.js";
import { SamplingSettings } from "../chat/SamplingSettings.js";
import { useChatSession } from "../chat/useChatSession.js";

/** Conversations persisted by the server; answers stream as sanitised Markdown with their stats. */
export function Chat() {
	const chat = useChatSession();
	const { current, settings } = chat;
	const [comparing, setComparing] = useState(false);
	return (
		<section className="view chat">
			<ConversationSidebar
				chats={chat.chats}
				current={current}
				search={chat.search}
				onSearch={chat.setSearch}
				onNew={chat.newChat}
				onOpen={(id) => void chat.open(id)}
				onRename={(id, title) => void chat.rename(id, title)}
				onDelete={(id) => void chat.remove(id)}
				onExport={(conversation) => void exportChat(conversation)}
				onImport={(file) => void chat.importFile(file)}
			/>
			<div className="conversation">
				<div className="row toolbar">
					<ModelPicker
						models={chat.models}
						model={chat.model}
						loading={chat.loading}
						loaded={chat.loaded}
						onPick={(key) => void chat.pickModel(key)}
					/>
					<ContextMeter
						messages={chat.messages}
						contextLength={chat.contextLength}
						overflow={settings.overflow}
						onOverflow={(overflow) => chat.setSettings({ ...settings, overflow })}
					/>
					<button type="button" aria-pressed={comparing} onClick={() => setComparing(!comparing)}>
						{comparing ? "Back to the chat" : "Compare side by side"}
					</button>
				</div>
				{comparing && (
					<ComparePanel
						models={chat.models}
						system={chat.system}
						onKept={(id) => {
							setComparing(false);
							void chat.open(id);
						}}
					/>
				)}
				{!comparing && (
					<>
						<SamplingSettings
							models={chat.models}
							system={chat.system}
							onSystem={chat.setSystem}
							settings={settings}
							onSettings={chat.setSettings}
						/>
						{chat.error && <p className="error">{chat.error}</p>}
						<MessageList
							messages={chat.messages}
							streaming={chat.streaming}
							model={chat.model}
							loading={chat.loading}
							editing={chat.editing}
							onEditing={chat.setEditing}
							onResend={() => void chat.resend()}
							onRegenerate={() => void chat.regenerate()}
							onBranch={current && ((messageId) => void chat.branch(messageId))}
							onDecideTool={chat.decideTool}
						/>
						<Composer
							model={chat.model}
							streaming={chat.streaming !== undefined}
							onSend={(text, attachments) => void chat.send(text, attachments)}
							onStop={chat.stop}
						/>
					</>
				)}
			</div>
		</section>
	);
}
