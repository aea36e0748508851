import { AsyncLocalStorage } from "node:async_hooks";
import type { TraceIdentity } from "./identity.js";

/**
 * What nested code inherits: the trace, the parent span and the attributes set on the
 * way down. Kept as plain data so the client wrappers read it without knowing the tracer.
 */
export interface ActiveContext {
  readonly traceId: string;
  /** The enclosing span: the parent of every span recorded here. */
  readonly spanId: string;
  /** Name given to LLM calls recorded here without a name of their own. */
  readonly name: string;
  /** Attributes inherited by every span recorded here (nearest definition wins). */
  attributes(): Record<string, string | number | boolean>;
  /** The session and user of the trace, which every span recorded here carries. */
  readonly identity?: TraceIdentity;
  /** The handle behind this context (a trace or span), for tracer.currentTrace(). */
  readonly owner: unknown;
  readonly root: unknown;
}

// One storage for every tracer in the process: a wrapped client called inside a trace of
// tracer A but recorded by tracer B still nests correctly.
const storage = new AsyncLocalStorage<ActiveContext>();

/** The context of the calling async scope, if any. */
export function currentContext(): ActiveContext | undefined {
  return storage.getStore();
}

/** Runs fn with ctx as the current context. */
export function runInContext<T>(ctx: ActiveContext, fn: () => T): T {
  return storage.run(ctx, fn);
}
