import { randomUUID } from "node:crypto";
import type { SpanHandle, TraceHandle, Tracer, TracerStats } from "./types.js";

/** Handle of a disabled tracer: runs the user's code, records nothing; an id only if asked. */
class NoopSpan implements TraceHandle {
  private id: string | undefined;
  constructor(readonly name: string) {}
  ID(): string {
    this.id ??= randomUUID();
    return this.id;
  }
  traceID(): string {
    return this.ID();
  }
  setAttributes(): this {
    return this;
  }
  setUser(): this {
    return this;
  }
  setSession(): this {
    return this;
  }
  recordLLMCall(): this {
    return this;
  }
  run<T>(fn: () => T): T {
    return fn();
  }
  startSpan(name: string): SpanHandle {
    return new NoopSpan(name);
  }
  async span<T>(name: string, fn: (span: SpanHandle) => T | Promise<T>): Promise<T> {
    return fn(new NoopSpan(name));
  }
  end(): void {}
  score(): this {
    return this;
  }
}

const ZERO: TracerStats = Object.freeze({ recorded: 0, exported: 0, dropped: 0, failed: 0, queued: 0 });

/** The tracer when no transport and no httpServer are configured: nothing is recorded, nothing runs. */
export function noopTracer(service: string | null): Tracer {
  return {
    service,
    transportName: "none",
    async trace(name, fn) {
      return fn(new NoopSpan(name));
    },
    startTrace: (name) => new NoopSpan(name),
    async span(name, fn) {
      return fn(new NoopSpan(name));
    },
    recordLLMCall() {},
    score() {},
    // nothing to ask: a disabled tracer knows no budget
    budget: () => ({ remaining: async () => null, read: async () => null }),
    currentTrace: () => undefined,
    stats: () => ZERO,
    serverUrl: async () => null,
    flush: async () => {},
    shutdown: async () => {},
  };
}
