import { formatBytes } from "../../api/formatBytes.js";
import { formatCount } from "../../api/formatCount.js";
import { type LocalModel, ModelStore } from "../../models/ModelStore.js";
import type { ModelInfo } from "../../models/readModelInfo.js";
import type { CommandIo } from "../CommandIo.js";

/** `hearth inspect <model>`: what the GGUF header says, without loading the weights. */
export async function inspectCommand(
	identifier: string,
	options: { json?: boolean },
	io: Pick<CommandIo, "stdout">,
): Promise<number> {
	const model = await new ModelStore().resolve(identifier, { anyPath: true });
	const info = model.info;
	if (!info) throw new Error(`no header information for ${model.path}`);
	const summary = { key: model.key, shortKey: model.shortKey, source: model.source, paths: model.paths, ...info };
	io.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatInfo(model, info));
	return 0;
}

function formatInfo(model: LocalModel, info: ModelInfo): string {
	const rows: [string, string][] = [
		["key", `${model.key} (short: ${model.shortKey})`],
		["source", model.source],
		["path", model.paths.length > 1 ? `${info.path} (+${model.paths.length - 1} parts)` : info.path],
		["name", info.name ?? "–"],
		["architecture", info.architecture],
		["parameters", formatCount(info.parameterCount)],
		["quantization", info.quantization],
		["file size", formatBytes(model.sizeBytes)],
		["context length", String(info.contextLength ?? "–")],
		["layers", String(info.layers ?? "–")],
		["embedding length", String(info.embeddingLength ?? "–")],
		["vocabulary", String(info.vocabSize ?? "–")],
		["GGUF version", String(info.ggufVersion)],
		[
			`memory at ${info.memory.contextLength} ctx`,
			`${formatBytes(info.memory.cpuOnlyRamBytes)} RAM on CPU; ${formatBytes(info.memory.fullOffload.vramBytes)} VRAM fully offloaded`,
		],
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
