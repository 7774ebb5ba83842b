import { randomUUID } from "node:crypto";
import type { ToolDecision } from "../../../api/native/NativeChat.js";

/** How long a call waits for the user before it counts as denied. */
const WAIT_MS = 10 * 60_000;

/**
 * Tool calls waiting for the user's word, and the tools the user allowed always (until the server
 * restarts). A chat stream asks and waits; POST /hearth/chat/approvals answers by the call's id.
 */
export class ToolApprovals {
	private readonly pending = new Map<string, (decision: ToolDecision) => void>();
	private readonly always = new Set<string>();

	isAlwaysAllowed(server: string, tool: string): boolean {
		return this.always.has(`${server}/${tool}`);
	}

	/** A new approval: its id for the client, and the decision when it comes (deny on abort or after 10 minutes). */
	ask(server: string, tool: string, signal?: AbortSignal): { id: string; decision: Promise<ToolDecision> } {
		const id = `approval_${randomUUID().replace(/-/g, "").slice(0, 24)}`;
		const decision = new Promise<ToolDecision>((resolve) => {
			const done = (d: ToolDecision) => {
				clearTimeout(timer);
				signal?.removeEventListener("abort", abort);
				this.pending.delete(id);
				if (d === "always") this.always.add(`${server}/${tool}`);
				resolve(d);
			};
			const abort = () => done("deny");
			const timer = setTimeout(abort, WAIT_MS);
			timer.unref();
			signal?.addEventListener("abort", abort, { once: true });
			this.pending.set(id, done);
		});
		return { id, decision };
	}

	/** The user's word on a waiting call; false when no call waits with that id. */
	decide(id: string, decision: ToolDecision): boolean {
		const resolve = this.pending.get(id);
		if (!resolve) return false;
		resolve(decision);
		return true;
	}
}
