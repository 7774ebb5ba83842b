import { useRef } from "react";
import type { Conversation } from "../../../src/api/native/NativeChats.js";

interface ConversationSidebarProps {
	chats: Conversation[];
	/** The open conversation, highlighted and the one Export saves. */
	current: Conversation | undefined;
	search: string;
	onSearch: (search: string) => void;
	onNew: () => void;
	onOpen: (id: string) => void;
	onRename: (id: string, title: string) => void;
	onDelete: (id: string) => void;
	onExport: (conversation: Conversation) => void;
	onImport: (file: File) => void;
}

/** The stored conversations: search, open, rename, delete, and export or import one as JSON. */
export function ConversationSidebar({
	chats,
	current,
	search,
	onSearch,
	onNew,
	onOpen,
	onRename,
	onDelete,
	onExport,
	onImport,
}: ConversationSidebarProps) {
	const importer = useRef<HTMLInputElement>(null);
	return (
		<aside className="sidebar">
			<button type="button" onClick={onNew}>
				New chat
			</button>
			<input aria-label="Search conversations" placeholder="Search" value={search} onChange={(e) => onSearch(e.target.value)} />
			<ul aria-label="Conversations">
				{chats.map((c) => (
					<li key={c.id} className={c.id === current?.id ? "active" : ""}>
						<button type="button" className="link" onClick={() => onOpen(c.id)}>
							{c.title}
						</button>
						<button
							type="button"
							aria-label={`Rename ${c.title}`}
							onClick={() => {
								const title = window.prompt("Rename conversation", c.title);
								if (title) onRename(c.id, title);
							}}
						>
							✎
						</button>
						<button
							type="button"
							aria-label={`Delete ${c.title}`}
							onClick={() => {
								if (window.confirm(`Delete "${c.title}"?`)) onDelete(c.id);
							}}
						>
							×
						</button>
					</li>
				))}
			</ul>
			<div className="row">
				<button type="button" disabled={!current} onClick={() => current && onExport(current)}>
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
						if (file) onImport(file);
					}}
				/>
			</div>
		</aside>
	);
}
