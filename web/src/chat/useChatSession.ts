import { useCallback, useEffect, useRef, useState } from "react";
import type { ToolDecision } from "../../../src/api/native/NativeChat.js";
import { type DocumentSource, type GenerationStats, stoppedByClient } from "../../../src/api/native/NativeChat.js";
import {
	type AttachmentRef,
	type Conversation,
	ConversationExport,
	type StoredMessage,
} from "../../../src/api/native/NativeChats.js";
import type { LocalModelView } from "../../../src/api/native/NativeModels.js";
import { api, errorText } from "../api.js";
import type { ChatSettings } from "./ChatSettings.js";
import { chatRequest } from "./chatRequest.js";
import type { ToolStep } from "./ToolSteps.js";

const DEFAULTS: ChatSettings = {
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

/** The answer streaming now: its text and a thinking model's reasoning, each so far. */
export interface StreamingAnswer {
	text: string;
	reasoning: string;
	/** While the answer waits for one of the model's sequences: its place in the queue (1 is next). */
	queuePosition?: number;
	/** MCP tool calls made so far, with their approvals and results. */
	tools?: ToolStep[];
}

/** A user message being rewritten in place; resending drops everything after it. */
export interface EditingMessage {
	id: string;
	text: string;
}

/**
 * The chat view's state and actions: the server's conversations, the open one and its messages, the
 * model it talks to, and the answer streaming now. The messages shown are the server's stored copies
 * (the streaming answer aside), so a reload shows the same conversation.
 */
export function useChatSession() {
	const [chats, setChats] = useState<Conversation[]>([]);
	const [search, setSearch] = useState("");
	const [current, setCurrent] = useState<Conversation>();
	const [messages, setMessages] = useState<StoredMessage[]>([]);
	const [models, setModels] = useState<LocalModelView[]>([]);
	const [model, setModel] = useState("");
	const [contextLength, setContextLength] = useState<number>();
	const [loading, setLoading] = useState(false);
	// Asked again after each load and each answer's start, as loading one model may evict others.
	const [loadedModels, setLoadedModels] = useState<string[]>([]);
	const [system, setSystem] = useState("");
	const [settings, setSettings] = useState<ChatSettings>(DEFAULTS);
	/** The answer streaming now; undefined when none is. */
	const [streaming, setStreaming] = useState<StreamingAnswer>();
	const [editing, setEditing] = useState<EditingMessage>();
	const [error, setError] = useState<string>();
	const controller = useRef<AbortController | undefined>(undefined);

	const refreshLoaded = useCallback(
		() =>
			api.loaded().then(
				(list) => setLoadedModels(list.map((m) => m.id)),
				() => {},
			),
		[],
	);
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

	const newChat = () => {
		setCurrent(undefined);
		setMessages([]);
	};

	const open = async (id: string) => {
		const { conversation, messages } = await api.chatWithMessages(id);
		setCurrent(conversation);
		setMessages(messages);
		setSystem(conversation.systemPrompt ?? "");
		if (conversation.model) setModel(conversation.model);
		if (conversation.settings) setSettings({ ...DEFAULTS, ...(conversation.settings as Partial<ChatSettings>) });
	};

	const rename = (id: string, title: string) => api.updateChat(id, { title }).then(refreshChats);

	const remove = (id: string) =>
		api.deleteChat(id).then(() => {
			if (current?.id === id) newChat();
			return refreshChats();
		});

	const importFile = (file: File) =>
		file
			.text()
			.then((t) => api.importChat(ConversationExport.parse(JSON.parse(t))))
			.then((c) => open(c.id))
			.then(refreshChats)
			.catch((err) => setError(errorText(err)));

	const branch = (messageId: string) => {
		if (!current) return Promise.resolve();
		return api
			.branchChat(current.id, messageId)
			.then((c) => open(c.id))
			.then(refreshChats);
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
		const abort = new AbortController();
		controller.current = abort;
		setStreaming({ text: "", reasoning: "" });
		setError(undefined);
		let text = "";
		let reasoning = "";
		let stats: GenerationStats | undefined;
		let sources: DocumentSource[] | undefined;
		let tools: ToolStep[] = [];
		const show = () => setStreaming({ text, reasoning, tools });
		try {
			for await (const event of api.chat(chatRequest({ model, system, settings, history }), abort.signal)) {
				if (event.type === "queued") setStreaming({ text, reasoning, tools, queuePosition: event.position });
				if (event.type === "start") {
					show();
					setContextLength(event.contextLength);
					void refreshLoaded();
				}
				if (event.type === "reasoning") {
					reasoning += event.text;
					show();
				}
				if (event.type === "fragment") {
					text += event.text;
					show();
				}
				if (event.type === "tool_call") {
					const { type: _, ...step } = event;
					tools = [...tools, step];
					show();
				}
				if (event.type === "tool_result") {
					const { id, type: _, ...result } = event;
					tools = tools.map((t) => (t.id === id ? { ...t, result } : t));
					show();
				}
				if (event.type === "done") {
					stats = event.stats;
					sources = event.sources;
				}
				if (event.type === "error") throw new Error(event.error.message);
			}
		} catch (e) {
			if (!abort.signal.aborted) setError(errorText(e));
		}
		if (abort.signal.aborted && !stats) stats = stoppedByClient();
		controller.current = undefined;
		// The streamed answer stays on screen until its stored copy replaces it, so it never blinks out.
		try {
			// The reasoning is kept to be shown again; chatRequest leaves it out of later prompts.
			if (text || reasoning || stats) {
				const saved = await api.appendMessage(conversation.id, {
					role: "assistant",
					content: text,
					reasoning: reasoning || undefined,
					stats,
					sources,
					...(tools.length ? { tools } : {}),
				});
				setMessages((m) => [...m, saved]);
			}
		} catch (e) {
			setError(errorText(e));
		} finally {
			setStreaming(undefined);
		}
		void refreshChats();
	};

	/** Sends `text` as the next user message, creating the conversation on the first one. */
	const send = async (text: string, attachments: AttachmentRef[] = []) => {
		if (!text || streaming !== undefined || !model) return;
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
		const saved = await api.appendMessage(conversation.id, {
			role: "user",
			content: text,
			...(attachments.length ? { attachments } : {}),
		});
		const history = [...messages, saved];
		setMessages(history);
		await answer(conversation, history);
	};

	const stop = () => controller.current?.abort();

	/** Answers a tool call's approval; the stream then shows its result. */
	const decideTool = (step: ToolStep, decision: ToolDecision) => {
		if (!step.approval) return;
		api.approveToolCall({ approval: step.approval, decision }).catch((e) => setError(errorText(e)));
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

	return {
		chats,
		search,
		setSearch,
		current,
		messages,
		models,
		model,
		contextLength,
		loading,
		loaded: model !== "" && loadedModels.includes(model),
		system,
		setSystem,
		settings,
		setSettings,
		streaming,
		editing,
		setEditing,
		error,
		newChat,
		open,
		rename,
		remove,
		importFile,
		branch,
		pickModel,
		send,
		stop,
		decideTool,
		regenerate,
		resend,
	};
}
