import { type ModelInfo, readModelInfo } from "../../models/readModelInfo.js";
import type { CommandIo } from "./chat.js";

/** `hearth inspect <model>`: what the GGUF header says, without loading the weights. */
export async function inspectCommand(
	modelPath: string,
	options: { json?: boolean },
	io: Pick<CommandIo, "stdout">,
): Promise<number> {
	const info = await readModelInfo(modelPath);
	io.stdout.write(options.json ? `${JSON.stringify(info, null, 2)}\n` : formatInfo(info));
	return 0;
}

function formatInfo(info: ModelInfo): string {
	const rows: [string, string][] = [
		["path", info.path],
		["name", info.name ?? "–"],
		["architecture", info.architecture],
		["parameters", formatCount(info.parameterCount)],
		["quantization", info.quantization],
		["file size", formatBytes(info.fileSize)],
		["context length", String(info.contextLength ?? "–")],
		["layers", String(info.layers ?? "–")],
		["embedding length", String(info.embeddingLength ?? "–")],
		["vocabulary", String(info.vocabSize ?? "–")],
		["GGUF version", String(info.ggufVersion)],
	];
	for (const [role, token] of Object.entries(info.specialTokens))
		if (token) rows.push([`${role} token`, `${JSON.stringify(token.text)} (${token.id})`]);
	const width = Math.max(...rows.map(([k]) => k.length));
	let out = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
	if (info.chatTemplate) {
		const lines = info.chatTemplate.split("\n");
		const shown = lines.slice(0, 6).map((l) => (l.length > 120 ? `${l.slice(0, 117)}...` : l));
		out += `\nchat template (${info.chatTemplate.length} chars${lines.length > 6 ? `, first 6 of ${lines.length} lines` : ""}):\n  ${shown.join("\n  ")}`;
	} else out += `\nchat template: none (a fallback format is used)`;
	return `${out}\n`;
}

function formatCount(n: number): string {
	if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
	if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
	if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
	return String(n);
}

function formatBytes(n: number): string {
	const units = ["B", "KiB", "MiB", "GiB", "TiB"];
	let i = 0;
	let v = n;
	while (v >= 1024 && i < units.length - 1) {
		v /= 1024;
		i++;
	}
	return `${i === 0 ? v : v.toFixed(2)} ${units[i]}`;
}
