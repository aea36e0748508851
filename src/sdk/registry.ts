import type { RecorderCore } from "./record.js";
import type { Tracer } from "./types.js";

// The tracer wrapped clients report to when none is passed: the most recently created one.
let current: RecorderCore | null = null;
const cores = new WeakMap<Tracer, RecorderCore>();

/** Links a tracer to its recording core and makes it the default for wrapped clients. */
export function registerTracer(tracer: Tracer, core: RecorderCore | null): void {
  if (core !== null) cores.set(tracer, core);
  current = core;
}

/** The recording core of `tracer` (null for a disabled tracer), else of the default tracer. */
export function recorderFor(tracer: Tracer | undefined): RecorderCore | null {
  if (tracer !== undefined) return cores.get(tracer) ?? null;
  return current;
}
