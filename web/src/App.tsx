import { useCallback, useEffect, useState } from "react";
import { HearthApiError } from "../../src/api/HearthClient.js";
import { ApiKeyPrompt } from "./ApiKeyPrompt.js";
import { api, apiKey } from "./api.js";
import { Bench } from "./views/Bench.js";
import { Chat } from "./views/Chat.js";
import { Discover } from "./views/Discover.js";
import { Downloads } from "./views/Downloads.js";
import { Eval } from "./views/Eval.js";
import { Models } from "./views/Models.js";
import { Server } from "./views/Server.js";

const VIEWS = ["Chat", "Discover", "Downloads", "My Models", "Bench", "Eval", "Server"] as const;
export type View = (typeof VIEWS)[number];

/** The studio: one tab per task, all talking to the native API of this server. */
export function App() {
	const [view, setView] = useState<View>("Chat");
	// Whether the API answers this browser: "key" when it wants an API key first.
	const [access, setAccess] = useState<"checking" | "ok" | "key">("checking");
	const [keyRejected, setKeyRejected] = useState(false);
	const check = useCallback(
		() =>
			// A cheap route: status would wait for GPU detection on its first call.
			api.settings().then(
				() => setAccess("ok"),
				(e) => {
					const needsKey = e instanceof HearthApiError && e.status === 401;
					setKeyRejected(needsKey && apiKey.get() !== undefined);
					// Other failures are the views' to show.
					setAccess(needsKey ? "key" : "ok");
				},
			),
		[],
	);
	useEffect(() => {
		void check();
	}, [check]);
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
				{access === "key" && <ApiKeyPrompt wrong={keyRejected} onSaved={() => void check()} />}
				{access === "ok" && (
					<>
						{view === "Chat" && <Chat />}
						{view === "Discover" && <Discover onDownloaded={() => setView("Downloads")} />}
						{view === "Downloads" && <Downloads />}
						{view === "My Models" && <Models />}
						{view === "Bench" && <Bench />}
						{view === "Eval" && <Eval />}
						{view === "Server" && <Server />}
					</>
				)}
			</main>
		</div>
	);
}
