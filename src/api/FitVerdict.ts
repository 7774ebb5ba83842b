import { z } from "zod";

/** Whether a model fits this machine, LM Studio's verdicts, best first. */
export const FitVerdict = z.enum(["full_gpu_offload", "partial_gpu_offload", "fits_without_gpu", "will_not_fit"]);
export type FitVerdict = z.infer<typeof FitVerdict>;

/** How every door (CLI tables, the web UI) words a verdict. */
export const FIT_LABELS: Record<FitVerdict, string> = {
	full_gpu_offload: "Full GPU offload possible",
	partial_gpu_offload: "Partial GPU offload possible",
	fits_without_gpu: "Fits without GPU",
	will_not_fit: "Will not fit",
};
