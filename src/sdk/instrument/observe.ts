/** What a wrapper learns from a streamed response, item by item. */
export interface StreamObserver {
  /** Sees each item; returns false to hide it from the caller (an item only tokentrace asked for). */
  item(value: unknown): boolean;
  /** The stream ended by itself. */
  end(): void;
  /** Reading the stream threw. */
  error(err: unknown): void;
  /** The caller stopped early (break, return) or the request was aborted. */
  abandon(): void;
}

type AsyncIt = AsyncIterator<unknown> & { return?(v?: unknown): Promise<IteratorResult<unknown>> };

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // observers must never break the caller's stream
  }
}

function wrapIterator(
  it: AsyncIt,
  obs: StreamObserver,
  signal: AbortSignal | undefined,
): AsyncIterableIterator<unknown> {
  let finished = false;
  const finish = (fn: () => void) => {
    if (finished) return;
    finished = true;
    safely(fn);
  };
  const wrapped: AsyncIterableIterator<unknown> = {
    async next(...args: [] | [unknown]) {
      for (;;) {
        let r: IteratorResult<unknown>;
        try {
          r = await it.next(...args);
        } catch (err) {
          finish(() => obs.error(err));
          throw err;
        }
        if (r.done) {
          finish(() => (signal?.aborted ? obs.abandon() : obs.end()));
          return r;
        }
        let show = true;
        safely(() => {
          show = obs.item(r.value);
        });
        if (show) return r;
      }
    },
    async return(v?: unknown) {
      finish(() => obs.abandon());
      return it.return ? it.return(v) : { done: true, value: v };
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  if (typeof it.throw === "function") {
    const t = it.throw.bind(it);
    wrapped.throw = async (e?: unknown) => {
      finish(() => obs.error(e));
      return t(e);
    };
  }
  return wrapped;
}

/**
 * Observes a streamed response in place, keeping the object (and its class, controller,
 * tee(), toReadableStream()) the caller gets: a Stainless Stream (openai, @anthropic-ai/sdk)
 * reads its items through its own `iterator` property, so that one property is swapped.
 */
export function observeStream(stream: unknown, obs: StreamObserver): boolean {
  if (typeof stream !== "object" || stream === null) return false;
  const s = stream as {
    iterator?: () => AsyncIt;
    controller?: { signal?: AbortSignal };
    [Symbol.asyncIterator]?: () => AsyncIt;
  };
  const signal = s.controller?.signal;
  if (typeof s.iterator === "function") {
    const orig = s.iterator;
    s.iterator = function (this: unknown) {
      return wrapIterator(orig.call(this), obs, signal);
    };
    return true;
  }
  const iter = s[Symbol.asyncIterator];
  if (typeof iter !== "function") return false;
  Object.defineProperty(s, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value(this: unknown) {
      return wrapIterator(iter.call(this), obs, signal);
    },
  });
  return true;
}

/** Receives the outcome of one client call; both methods must not throw (they are guarded anyway). */
export interface ResultObserver {
  value(v: unknown): void;
  error(err: unknown): void;
}

function seeValue(obs: ResultObserver, v: unknown): unknown {
  try {
    obs.value(v);
  } catch {
    // never break the caller's result
  }
  return v;
}

function seeError(obs: ResultObserver, err: unknown): never {
  try {
    obs.error(err);
  } catch {
    // the caller gets its own error below
  }
  throw err;
}

/**
 * Observes the outcome of a client call and returns the very object the client returned.
 * A Stainless APIPromise parses its body lazily through `parse()` (then, catch, finally and
 * withResponse all go through it), so `parse` is shadowed on that one instance; the value
 * and any error pass through unchanged.
 */
export function observeResult<T>(result: T, obs: ResultObserver): T {
  const p = result as { parse?: () => Promise<unknown>; then?: unknown };
  if (typeof p !== "object" || p === null || typeof p.then !== "function") {
    seeValue(obs, result);
    return result;
  }
  if (typeof p.parse !== "function") {
    return Promise.resolve(result).then(
      (v) => seeValue(obs, v),
      (e) => seeError(obs, e),
    ) as T;
  }
  const parse = p.parse;
  const thenUnwrap = (p as { _thenUnwrap?: (f: unknown) => unknown })._thenUnwrap;
  if (typeof thenUnwrap === "function") {
    // Helpers such as chat.completions.parse derive a new APIPromise from this one's raw
    // response; observe that one too (the span ends once, whichever settles first).
    Object.defineProperty(p, "_thenUnwrap", {
      configurable: true,
      writable: true,
      value(this: unknown, transform: unknown) {
        return observeResult(thenUnwrap.call(this, transform), obs);
      },
    });
  }
  let observed: Promise<unknown> | undefined;
  Object.defineProperty(p, "parse", {
    configurable: true,
    writable: true,
    value(this: unknown) {
      observed ??= parse.call(this).then(
        (v) => seeValue(obs, v),
        (e) => seeError(obs, e),
      );
      return observed;
    },
  });
  return result;
}
