import { useState } from "react";

interface ComposerProps {
	model: string;
	/** An answer is streaming: the button stops it instead of sending. */
	streaming: boolean;
	onSend: (text: string) => void;
	onStop: () => void;
}

/** The message box: Enter sends, Shift+Enter breaks the line, Esc stops the answer. */
export function Composer({ model, streaming, onSend, onStop }: ComposerProps) {
	const [input, setInput] = useState("");
	const send = () => {
		const text = input.trim();
		// The draft is kept when it cannot be sent yet, so nothing typed is lost.
		if (!text || streaming || !model) return;
		setInput("");
		onSend(text);
	};
	return (
		<div className="composer row">
			<textarea
				aria-label="Message"
				placeholder={model ? "Ask something (Enter sends, Shift+Enter for a new line, Esc stops)" : "Download a model first"}
				value={input}
				onChange={(e) => setInput(e.target.value)}
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
				<button type="button" onClick={send} disabled={!model}>
					Send
				</button>
			)}
		</div>
	);
}
