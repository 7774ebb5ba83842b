import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	type ChartConfiguration,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
} from "chart.js";
import { useEffect, useRef } from "react";

// Only what the Bench and Eval views draw, so the chart code stays small; this module is loaded
// on demand (React.lazy), keeping it out of the first load.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
	label: string;
	values: (number | null)[];
}

export interface MeasureChartProps {
	kind: "bar" | "line";
	/** The chart's meaning in words, for screen readers (the numbers are in the table beside it). */
	title: string;
	labels: string[];
	series: Series[];
	/** The value axis' title, e.g. "tok/s". */
	unit: string;
	/** Upper end of the value axis, when it has one (1 for an accuracy). */
	max?: number;
}

// Colour-blind-safe (Okabe–Ito) and legible on light and dark backgrounds.
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];

/** A bar or line chart of measurements, drawn on a canvas by Chart.js. */
export default function MeasureChart({ kind, title, labels, series, unit, max }: MeasureChartProps) {
	const canvas = useRef<HTMLCanvasElement>(null);
	useEffect(() => {
		if (!canvas.current) return;
		const config: ChartConfiguration<"bar" | "line", (number | null)[], string> = {
			type: kind,
			data: {
				labels,
				datasets: series.map((s, i) => ({
					label: s.label,
					data: s.values,
					backgroundColor: COLOURS[i % COLOURS.length],
					borderColor: COLOURS[i % COLOURS.length],
				})),
			},
			options: {
				animation: false,
				responsive: true,
				maintainAspectRatio: false,
				plugins: { legend: { display: series.length > 1 } },
				scales: { y: { beginAtZero: true, max, title: { display: true, text: unit } } },
			},
		};
		const chart = new Chart(canvas.current, config);
		return () => chart.destroy();
	}, [kind, labels, series, unit, max]);
	return (
		<figure className="chart">
			<figcaption>{title}</figcaption>
			<div className="chart-area">
				<canvas ref={canvas} role="img" aria-label={title} />
			</div>
		</figure>
	);
}
