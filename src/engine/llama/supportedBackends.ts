import { getLlamaGpuTypes } from "node-llama-cpp";

/**
 * The backends node-llama-cpp can run here: prebuilt binaries for this platform whose drivers and
 * libraries are installed (it looks for them on disk; nothing native is loaded). Always ends with
 * "cpu".
 */
export async function supportedBackends(): Promise<string[]> {
	const types = await getLlamaGpuTypes("supported");
	return [...types.filter((type): type is Exclude<typeof type, false> => type !== false), "cpu"];
}
