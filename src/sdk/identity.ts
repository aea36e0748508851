import { wellFormedText } from "../schema/span.js";
import { identityProblem } from "../span/normalize.js";
import type { Span } from "../span/types.js";

/** `tracer.trace(name, fn, options)` and `tracer.startTrace(name, options)`. */
export interface TraceOptions {
  /** The conversation this trace is a turn of (span field session_id), 1-256 characters. */
  sessionId?: string;
  /** The end user this trace serves (span field user_id), 1-256 characters. */
  userId?: string;
}

/**
 * The session and user of one trace, shared by every span recorded in it (and by wrapped
 * client calls made inside it, through the context). Spans read it when they are built, and
 * again when a queue hands them to a transport (stampIdentity), so a setUser() reaches the
 * spans of the trace that ended before it and are still waiting to be sent.
 */
export class TraceIdentity {
  sessionId: string | null = null;
  userId: string | null = null;
  /** Set when the trace's root ends: later setUser()/setSession() calls change nothing. */
  closed = false;

  constructor(
    options: TraceOptions | undefined,
    private readonly refuse: (reason: string) => void,
  ) {
    if (options === null || typeof options !== "object") return;
    // read once: a getter that throws must not reach the host app
    try {
      if (options.sessionId !== undefined) this.set("sessionId", options.sessionId);
      if (options.userId !== undefined) this.set("userId", options.userId);
    } catch {
      this.refuse("trace options could not be read");
    }
  }

  /** Sets one id, or drops a value that cannot be one (reported through `refuse`). */
  set(field: "sessionId" | "userId", v: unknown): void {
    if (this.closed) return;
    if (typeof v !== "string") {
      this.refuse(`${field} must be a string, got ${v === null ? "null" : typeof v}`);
      return;
    }
    const problem = identityProblem(v);
    if (problem !== null) {
      this.refuse(`${field} ${problem}, got ${v.length}`);
      return;
    }
    // the SDK's side of the span text rule: a NUL or lone surrogate becomes U+FFFD
    this[field] = wellFormedText(v);
  }
}

// The trace each recorded span belongs to, until the span is dropped (no strong reference).
const owners = new WeakMap<Span, TraceIdentity>();

/** Gives the span its trace's session and user now, and binds it to them for stampIdentity. */
export function withIdentity(span: Span, identity: TraceIdentity | undefined): Span {
  if (identity === undefined) return span;
  span.session_id = identity.sessionId;
  span.user_id = identity.userId;
  owners.set(span, identity);
  return span;
}

/**
 * The span as it leaves the tracer's queue: with its trace's session and user as they are
 * now (a copy when they changed since the span was built; the queued span stays as it was).
 *
 * @example new BatchProcessor(transport, options, stampIdentity)
 */
export function stampIdentity(span: Span): Span {
  const id = owners.get(span);
  if (id === undefined || (span.session_id === id.sessionId && span.user_id === id.userId)) return span;
  return { ...span, session_id: id.sessionId, user_id: id.userId };
}
