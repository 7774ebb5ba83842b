import type { LoadedModelView } from "../../../api/native/NativeModels.js";
import type { ScheduledModel } from "../../../engine/Scheduler.js";
import { procStatusBytes } from "../../../util/procStatusBytes.js";

/** A loaded model as the native API shows it, with its runner's resident memory. */
export function loadedView(m: ScheduledModel): LoadedModelView {
	return { ...m, memoryBytes: procStatusBytes(m.pid, "VmRSS") };
}
