/** A request waiting for a slot: told its place as the queue moves, resolved when admitted. */
interface Waiter {
	admit: () => void;
	onPosition?: (position: number) => void;
}

/**
 * One model's generation slots: as many requests generate as it has sequences, the others wait in
 * order of arrival, each told its place in the queue (1 is next) when it joins and whenever the
 * queue moves, so a client (and `hearth ps`) can see the wait instead of a silent stall. A request
 * that gives up (its signal aborts) leaves, and the ones behind it move up.
 */
export class AdmissionQueue {
	private running = 0;
	private readonly waiting: Waiter[] = [];

	constructor(private readonly slots: number) {}

	/** Requests waiting for a slot. */
	get queued(): number {
		return this.waiting.length;
	}

	/** Resolves true with a slot held (give it back with `release`), or false if `signal` aborted first. */
	admit(signal?: AbortSignal, onPosition?: (position: number) => void): Promise<boolean> {
		if (signal?.aborted) return Promise.resolve(false);
		if (this.running < this.slots) {
			this.running++;
			return Promise.resolve(true);
		}
		return new Promise((resolve) => {
			const waiter: Waiter = {
				onPosition,
				admit: () => {
					signal?.removeEventListener("abort", leave);
					resolve(true);
				},
			};
			const leave = () => {
				const at = this.waiting.indexOf(waiter);
				if (at < 0) return;
				this.waiting.splice(at, 1);
				this.tellPositions(at);
				resolve(false);
			};
			signal?.addEventListener("abort", leave, { once: true });
			this.waiting.push(waiter);
			onPosition?.(this.waiting.length);
		});
	}

	/** Gives a slot back: the longest waiting request gets it. */
	release(): void {
		const next = this.waiting.shift();
		if (!next) {
			this.running--;
			return;
		}
		next.admit();
		this.tellPositions(0);
	}

	private tellPositions(from: number): void {
		for (let i = from; i < this.waiting.length; i++) this.waiting[i]?.onPosition?.(i + 1);
	}
}
