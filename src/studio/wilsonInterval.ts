/**
 * The 95 % Wilson score interval of `correct` out of `items`: unlike the normal approximation it
 * stays inside [0, 1] and is honest for small sets and for scores near 0 or 1, which is where a
 * 30-question set on a small model lives.
 */
export function wilsonInterval(correct: number, items: number, z = 1.959964): [number, number] {
	if (items === 0) return [0, 1];
	const p = correct / items;
	const z2 = z * z;
	const centre = (p + z2 / (2 * items)) / (1 + z2 / items);
	const half = (z * Math.sqrt((p * (1 - p)) / items + z2 / (4 * items * items))) / (1 + z2 / items);
	return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
