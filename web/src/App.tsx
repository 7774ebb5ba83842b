import { useState } from "react";
import { Chat } from "./views/Chat.js";
import { Discover } from "./views/Discover.js";
import { Downloads } from "./views/Downloads.js";
import { Models } from "./views/Models.js";
import { Server } from "./views/Server.js";

const VIEWS = ["Chat", "Discover", "Downloads", "My Models", "Server"] as const;
export type View = (typeof VIEWS)[number];

/** The studio: one tab per task, all talking to the native API of this server. */
export function App() {
	const [view, setView] = useState<View>("Chat");
	return (
		<div className="app">
			<nav className="tabs" aria-label="Views">
				<span className="brand">Hearth</span>
				{VIEWS.map((v) => (
					<button key={v} type="button" className={v === view ? "tab active" : "tab"} onClick={() => setView(v)}>
						{v}
					</button>
				))}
			</nav>
			<main>
				{view === "Chat" && <Chat />}
				{view === "Discover" && <Discover onDownloaded={() => setView("Downloads")} />}
				{view === "Downloads" && <Downloads />}
				{view === "My Models" && <Models />}
				{view === "Server" && <Server />}
			</main>
		</div>
	);
}
