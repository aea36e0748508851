/**
 * Remembers which Idempotency-Key values were already committed, so a client that retries
 * after a lost response (SDK HttpTransport, `tokentrace import`) does not insert twice.
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

/** Printable ASCII, 1–255 characters: what Stripe-style idempotency keys and UUIDs look like. */
export function isValidIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= 255 && /^[\x21-\x7e]+$/.test(key);
}
