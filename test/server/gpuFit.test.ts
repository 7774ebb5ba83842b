import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LocalModelView } from "../../src/api/native/NativeModels.js";
import type { ServerStatus } from "../../src/api/native/NativeSystem.js";
import { readModelInfo } from "../../src/models/readModelInfo.js";
import { PHI3_KEY, serverHome } from "../fixtures/serverHome.js";
import { type FakeServer, startFakeServer } from "../fixtures/startFakeServer.js";

// No GPU here: an engine that describes one (as LlamaCppEngine does on a GPU machine) shows that
// the backend, the machine's backends and its VRAM reach the status, and that fit verdicts and
// layer counts are judged against VRAM, KV cache included.
const GiB = 2 ** 30;
let server: FakeServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

const get = async <T>(path: string): Promise<T> => (await fetch(`${server?.url}${path}`)).json() as Promise<T>;
const phi3 = async () => (await get<LocalModelView[]>("/hearth/models")).find((m) => m.key === PHI3_KEY);
const vulkan = (freeBytes: number) => ({
	backend: "vulkan",
	available: ["vulkan", "cpu"],
	vram: { totalBytes: 8 * GiB, freeBytes },
});

describe("GPU backends and VRAM fit", () => {
	it("shows the chosen backend, the ones this machine runs, and the setting", async () => {
		server = await startFakeServer({ env: { HEARTH_GPU: "vulkan" }, engine: { gpu: vulkan(6 * GiB) } });
		const { system } = await get<ServerStatus>("/hearth/status");
		expect(system.gpu).toEqual({
			backend: "vulkan",
			available: ["vulkan", "cpu"],
			setting: "vulkan",
			vramTotalBytes: 8 * GiB,
			vramFreeBytes: 6 * GiB,
		});
	});

	it("offloads every layer when the free VRAM holds the model and its KV cache", async () => {
		server = await startFakeServer({ engine: { gpu: vulkan(6 * GiB) } });
		const model = await phi3();
		expect(model?.fit).toBe("full_gpu_offload");
		expect(model?.totalLayers).toBeGreaterThan(0);
		expect(model?.gpuLayers).toBe(model?.totalLayers);
	});

	it("splits the layers when the VRAM holds only part of it", async () => {
		const env = await serverHome();
		const need = (await readModelInfo(join(env.HEARTH_HOME ?? "", "models", PHI3_KEY), { contextLength: 4096 })).memory;
		server = await startFakeServer({ home: env, engine: { gpu: vulkan(need.fullOffload.vramBytes / 2) } });
		const model = await phi3();
		expect(model?.fit).toBe("partial_gpu_offload");
		expect(model?.totalLayers).toBe(need.totalLayers);
		expect(model?.gpuLayers).toBe(Math.floor(need.totalLayers / 2));
	});

	it("on the CPU: no layers, the CPU's verdict, and only the CPU available", async () => {
		server = await startFakeServer();
		const model = await phi3();
		expect(model?.fit).toBe("fits_without_gpu");
		expect(model?.gpuLayers).toBeUndefined();
		const { system } = await get<ServerStatus>("/hearth/status");
		expect(system.gpu).toEqual({ backend: "cpu", available: ["cpu"], setting: "auto" });
	});
});
