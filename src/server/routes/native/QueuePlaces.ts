/** Queue places as the scheduler tells them, for an event stream to pass on one by one. */
export class QueuePlaces {
	private readonly told: number[] = [];
	private waiter: ((position: number) => void) | undefined;

	tell(position: number): void {
		const waiter = this.waiter;
		this.waiter = undefined;
		if (waiter) waiter(position);
		else this.told.push(position);
	}

	next(): Promise<number> {
		const position = this.told.shift();
		if (position !== undefined) return Promise.resolve(position);
		return new Promise((resolve) => {
			this.waiter = resolve;
		});
	}
}
