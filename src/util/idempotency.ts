/**
 * Remembers which Idempotency-Key values were already committed, so a client that retries
 * after a lost response (SDK HttpTransport, `tokentrace import`, POST /spans and /v1/traces)
 * does not insert twice.
 * Bounded: least recently used keys are evicted past `maxKeys`, and entries expire after
 * `ttlMs`. In memory only: a restart forgets the keys.
 */
export interface IdempotencyCache {
  /** The accepted count stored for the key, or undefined when unknown or expired. */
  get(key: string, now: number): number | undefined;
  set(key: string, accepted: number, now: number): void;
  /** While a request with this key is committing, repeats wait for it instead of inserting again. */
  pending(key: string): Promise<number> | undefined;
  track(key: string, result: Promise<number>): void;
  readonly size: number;
}

interface Entry {
  accepted: number;
  at: number;
}

const DEFAULT_IDEMPOTENCY_KEYS = 100_000;
const DEFAULT_IDEMPOTENCY_TTL_MS = 3_600_000;

/** @example const cache = createIdempotencyCache(); cache.set("k1", 3, Date.now()); */
export function createIdempotencyCache(
  maxKeys = DEFAULT_IDEMPOTENCY_KEYS,
  ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
): IdempotencyCache {
  // A Map iterates in insertion order, so re-inserting on use keeps the oldest first.
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<number>>();

  return {
    get(key, now) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      entries.delete(key);
      if (now - e.at >= ttlMs) return undefined;
      entries.set(key, e);
      return e.accepted;
    },
    set(key, accepted, now) {
      entries.delete(key);
      entries.set(key, { accepted, at: now });
      while (entries.size > maxKeys) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    pending(key) {
      return inFlight.get(key);
    },
    track(key, result) {
      inFlight.set(key, result);
      const forget = () => {
        if (inFlight.get(key) === result) inFlight.delete(key);
      };
      result.then(forget, forget);
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * The Idempotency-Key header, or undefined when there is none; null when it is not one value
 * of printable ASCII, 1–255 characters (what Stripe-style keys and UUIDs look like).
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined | null {
  if (header === undefined) return undefined;
  return typeof header === "string" && header.length <= 255 && /^[\x21-\x7e]+$/.test(header) ? header : null;
}

export const BAD_IDEMPOTENCY_KEY = "Idempotency-Key must be one value of 1-255 printable ASCII characters";

/**
 * Runs `work` (which commits and returns the accepted count) once per Idempotency-Key:
 * without a key it just runs; a key already committed replays its count; a key still
 * committing is waited for, then replayed (or, if that attempt failed, run again).
 */
export async function runOnce(
  cache: IdempotencyCache,
  key: string | undefined,
  now: () => number,
  work: () => Promise<number>,
): Promise<{ accepted: number; replayed: boolean }> {
  if (key === undefined) return { accepted: await work(), replayed: false };
  // No await between the checks and track(), so two requests with one key cannot both insert.
  for (;;) {
    const known = cache.get(key, now());
    if (known !== undefined) return { accepted: known, replayed: true };
    const pending = cache.pending(key);
    if (pending === undefined) break;
    await pending.catch(() => undefined);
  }
  const result = work().then((accepted) => {
    cache.set(key, accepted, now());
    return accepted;
  });
  cache.track(key, result);
  return { accepted: await result, replayed: false };
}
