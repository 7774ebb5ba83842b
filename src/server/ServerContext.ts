import type { Scheduler } from "../engine/Scheduler.js";
import type { ModelStore } from "../models/ModelStore.js";

/** What the routes work with; one instance per server. */
export interface ServerContext {
	scheduler: Scheduler;
	store: ModelStore;
	/** Marks responses (system_fingerprint) and /api/version. */
	version: string;
}
