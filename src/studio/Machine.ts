import type { EngineInfo } from "../engine/Engine.js";
import { type MachineMemory, machineMemory } from "../models/fit/machineMemory.js";

/** This machine as fit verdicts see it: the engine's backend (and VRAM) and the memory free now. */
export interface Machine {
	engine: EngineInfo;
	memory: MachineMemory;
}

/** Reads the engine's description (cached by the engine) and the RAM free at this moment. */
export async function describeMachine(engine: { describe(): Promise<EngineInfo> }): Promise<Machine> {
	const info = await engine.describe();
	return { engine: info, memory: machineMemory(info.vram) };
}
