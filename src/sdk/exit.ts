/**
 * Sends what tracers still hold when the process is about to end on its own: Node emits
 * `beforeExit` when the event loop has drained (a script's last await returned), and work
 * started there keeps the process alive until it is done. Each flush is bounded by the
 * tracer's shutdownTimeoutMs, and a tracer is flushed again only after it recorded more,
 * so a collector that stays down cannot keep the process alive. process.exit() and
 * signals skip `beforeExit`: servers call shutdown() for those.
 */
export interface ExitFlushable {
  /** Spans recorded so far (a tracer that recorded nothing new is not flushed again). */
  recordedCount(): number;
  /** True while spans are queued or being sent. */
  hasUnsent(): boolean;
  /** Never rejects; resolves within the tracer's bounded wait. */
  flush(): Promise<void>;
}

// Strong references on purpose: a tracer the app did not keep in a variable still sends.
const live = new Map<ExitFlushable, number>();
let installed = false;

function onBeforeExit(): void {
  for (const [tracer, seen] of live) {
    try {
      const n = tracer.recordedCount();
      if (n === seen || !tracer.hasUnsent()) continue;
      live.set(tracer, n);
      tracer.flush().catch(() => undefined);
    } catch {
      // never throw into the host app
    }
  }
}

/** Flushes `tracer` when the process ends on its own, until forgetAtExit. */
export function flushAtExit(tracer: ExitFlushable): void {
  live.set(tracer, -1);
  if (!installed) {
    installed = true;
    process.on("beforeExit", onBeforeExit);
  }
}

export function forgetAtExit(tracer: ExitFlushable): void {
  live.delete(tracer);
}
