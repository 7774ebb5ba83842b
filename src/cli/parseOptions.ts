import { InvalidArgumentError } from "commander";

/**
 * Commander argument parsers that reject bad numbers with a one-line message; commander puts it after
 * its own "option '--temp <n>' argument 'hot' is invalid."
 */
export function integerOption(min: number): (raw: string) => number {
	return (raw) => {
		const n = Number(raw);
		if (raw.trim() === "" || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`Expected an integer >= ${min}.`);
		return n;
	};
}

export function numberOption(min: number, max: number): (raw: string) => number {
	return (raw) => {
		const n = Number(raw);
		if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max)
			throw new InvalidArgumentError(`Expected a number from ${min} to ${max}.`);
		return n;
	};
}

/** A comma-separated list of integers of at least `min`, e.g. `--threads 1,2,4`. */
export function integerListOption(min: number): (raw: string) => number[] {
	const one = integerOption(min);
	return (raw) => {
		const items = raw.split(",").map((s) => s.trim());
		if (items.some((s) => s === "")) throw new InvalidArgumentError(`Expected integers >= ${min}, separated by commas.`);
		return [...new Set(items.map(one))];
	};
}

/** A comma-separated list of these choices, e.g. `--kv-cache f16,q8_0`. */
export function choiceListOption<T extends string>(choices: readonly T[]): (raw: string) => T[] {
	const one = choiceOption(choices);
	return (raw) => [...new Set(raw.split(",").map((s) => one(s.trim())))];
}

export function onOffOption(raw: string): boolean {
	if (raw === "on") return true;
	if (raw === "off") return false;
	throw new InvalidArgumentError("Expected on or off.");
}

export function gpuLayersOption(raw: string): number | "max" | "auto" {
	if (raw === "max" || raw === "auto") return raw;
	if (raw === "off") return 0;
	const n = Number(raw);
	if (raw.trim() === "" || !Number.isInteger(n) || n < 0)
		throw new InvalidArgumentError("Expected a number of layers (0 or more), max, auto or off.");
	return n;
}

/** One of a fixed set of words, e.g. `--objective generation|throughput`. */
export function choiceOption<T extends string>(choices: readonly T[]): (raw: string) => T {
	return (raw) => {
		if ((choices as readonly string[]).includes(raw)) return raw as T;
		throw new InvalidArgumentError(`Expected ${choices.join(" or ")}.`);
	};
}
