import { InvalidArgumentError } from "commander";

/** Commander argument parsers that reject bad numbers with a one-line message. */
export function integerOption(min: number): (raw: string) => number {
	return (raw) => {
		const n = Number(raw);
		if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
		return n;
	};
}

export function numberOption(min: number, max: number): (raw: string) => number {
	return (raw) => {
		const n = Number(raw);
		if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max)
			throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
		return n;
	};
}

export function gpuLayersOption(raw: string): number | "max" | "auto" {
	if (raw === "max" || raw === "auto") return raw;
	if (raw === "off") return 0;
	return integerOption(0)(raw);
}
