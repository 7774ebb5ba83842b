import { cpus } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import type { EvalReport } from "../../../api/native/NativeEval.js";
import {
	type BenchEvent,
	BenchRequest,
	type EvalEvent,
	EvalRequest,
	type StoredBenchRunView,
	type StoredEvalRunView,
} from "../../../api/native/NativeMeasure.js";
import { BenchStore } from "../../../chats/BenchStore.js";
import { EvalStore } from "../../../chats/EvalStore.js";
import { withStore } from "../../../chats/withStore.js";
import { benchModel } from "../../../studio/benchModel.js";
import { benchPreset } from "../../../studio/benchPresets.js";
import { evalSetOf, readEvalSet } from "../../../studio/readEvalSet.js";
import { runEval } from "../../../studio/runEval.js";
import { abortOnDisconnect } from "../../abortOnDisconnect.js";
import { HttpError } from "../../HttpError.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { toHttpError } from "../../toHttpError.js";
import { sendEvents } from "./sendEvents.js";

/**
 * Measuring through the API, for the UI's Bench and Eval views: runs as server-sent progress
 * events, and the kept runs. One measurement at a time — two would measure each other — and a
 * second is refused with 409 while one runs. A benchmark loads the model in a runner of its own
 * (as `hearth bench` does), beside whatever is loaded; an eval uses the model as chats do.
 */
export function measureRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	const db = () => join(ctx.store.home, "hearth.db");
	let running: string | undefined;
	const claim = (what: string) => {
		if (running) throw new HttpError(409, `A ${running} is running; wait for it to finish`, "measurement_running");
		running = what;
	};

	app.get("/hearth/bench/runs", (c) => {
		const model = c.req.query("model");
		return c.json(withStore(new BenchStore(db()), (store) => store.list(model || undefined)) satisfies StoredBenchRunView[]);
	});

	app.post("/hearth/bench", async (c) => {
		const request = BenchRequest.parse(await readJson(c));
		const model = await ctx.store.resolve(request.model);
		claim("benchmark");
		const abort = abortOnDisconnect(c.req.raw.signal);
		const { plan, work } = benchPreset(request.preset, cpus().length, request.objective);
		const events = async function* (): AsyncGenerator<BenchEvent> {
			const progress = new EventQueue<BenchEvent>();
			const done = benchModel(ctx.scheduler.engine, ctx.store.home, model, plan, work, (p) =>
				progress.push({ type: "progress", ...p }),
			);
			try {
				yield* progress.until(done);
				yield { type: "done", report: await done };
			} catch (error) {
				if (!abort.signal.aborted) yield errorEvent(error);
			} finally {
				running = undefined;
			}
		};
		return sendEvents(c, events(), abort);
	});

	app.get("/hearth/evals", (c) => {
		const set = c.req.query("set");
		return c.json(withStore(new EvalStore(db()), (store) => store.list(set || undefined)) satisfies StoredEvalRunView[]);
	});

	app.post("/hearth/evals", async (c) => {
		const request = EvalRequest.parse(await readJson(c));
		const set = request.set === "general" ? await readEvalSet("general") : evalSetOf(request.set.name, request.set.jsonl);
		const items = request.limit === undefined ? set.items : set.items.slice(0, request.limit);
		const { key } = await ctx.store.resolve(request.model);
		claim("eval");
		const abort = abortOnDisconnect(c.req.raw.signal);
		const events = async function* (): AsyncGenerator<EvalEvent> {
			const progress = new EventQueue<EvalEvent>();
			const done = ctx.scheduler.use(key, { signal: abort.signal }, (model) =>
				runEval(ctx.scheduler.engine, model.id, items, (p) => progress.push({ type: "progress", ...p }), abort.signal),
			);
			try {
				yield* progress.until(done);
				const report: EvalReport = { model: key, set: set.name, skipped: set.skipped, ...(await done) };
				const id = withStore(new EvalStore(db()), (store) => store.add(report));
				yield { type: "done", id, report };
			} catch (error) {
				if (!abort.signal.aborted) yield errorEvent(error);
			} finally {
				running = undefined;
			}
		};
		return sendEvents(c, events(), abort);
	});
	return app;
}

function errorEvent(error: unknown): { type: "error"; error: { message: string; code: string } } {
	const http = toHttpError(error);
	return { type: "error", error: { message: http.message, code: http.code } };
}

/** Events pushed by a callback, yielded in order until a promise settles. */
class EventQueue<T> {
	private readonly queued: T[] = [];
	private wake: (() => void) | undefined;

	push(event: T): void {
		this.queued.push(event);
		this.wake?.();
	}

	async *until(settled: Promise<unknown>): AsyncGenerator<T> {
		let finished = false;
		const end = settled.then(
			() => {
				finished = true;
			},
			() => {
				finished = true;
			},
		);
		for (;;) {
			while (this.queued.length > 0) yield this.queued.shift() as T;
			if (finished) return;
			await Promise.race([end, new Promise<void>((resolve) => (this.wake = resolve))]);
		}
	}
}
