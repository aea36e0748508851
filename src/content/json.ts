import { jsonBytes } from "./cap.js";
import type { ContentFields } from "./types.js";

/** The JSON text of the four content columns: input, output, system, tools (null: none). */
export type ContentJson = [string | null, string | null, string | null, string | null];

/** The column texts in UTF-8, one after another; `lengths` in bytes, -1 for null. */
export interface ContentUtf8 {
  bytes: Uint8Array;
  lengths: [number, number, number, number];
}

const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
const utf8 = new TextEncoder();
const text = new TextDecoder();
// Texts made at ingest, kept for the store so content is stringified once, not twice. Kept
// as UTF-8 bytes: they live off the JS heap until the commit (a second or two under load),
// which spares the collector copying ~4 KB a span from one space to the next.
const made = new WeakMap<object, ContentUtf8>();
// Bytes of `{"input":…,"output":…,"system":…,"tools":…}` besides the four values.
const FRAME = jsonBytes({ input: 0, output: 0, system: 0, tools: 0 }) - 4;

// Encoded here first (a UTF-16 unit takes at most 3 bytes), then copied out at its size.
let scratch = new Uint8Array(1 << 16);

function encode(texts: ContentJson): ContentUtf8 {
  const most = texts.reduce((n, t) => n + (t === null ? 0 : 3 * t.length), 0);
  if (most > scratch.length) scratch = new Uint8Array(most);
  const lengths: ContentUtf8["lengths"] = [-1, -1, -1, -1];
  let at = 0;
  texts.forEach((t, i) => {
    if (t === null) return;
    lengths[i] = utf8.encodeInto(t, scratch.subarray(at)).written;
    at += lengths[i];
  });
  return { bytes: scratch.slice(0, at), lengths };
}

/** The column texts of content, made once per row (ingest keeps them with the row). */
export function contentJson(c: ContentFields): ContentJson {
  const kept = made.get(c);
  if (kept === undefined) return [json(c.input), json(c.output), json(c.system), json(c.tools)];
  const out: ContentJson = [null, null, null, null];
  let at = 0;
  kept.lengths.forEach((n, i) => {
    if (n < 0) return;
    out[i] = text.decode(kept.bytes.subarray(at, at + n));
    at += n;
  });
  return out;
}

/** contentJson in UTF-8. */
export function contentUtf8(c: ContentFields): ContentUtf8 {
  return made.get(c) ?? encode(contentJson(c));
}

const FIELDS = ["input", "output", "system", "tools"] as const;

/**
 * The row `meta` plus content fields whose JSON texts are already made: kept as UTF-8 for
 * contentJson and contentUtf8, and each field parsed back from them only when first read.
 * The row then holds nothing of the request it came from, so a parsed request body dies
 * young instead of surviving into the old generation while its commit is awaited (that
 * garbage collection was ~20% of the CPU of ingest with content). Nothing may change the
 * fields afterwards.
 */
export function rowFromJson<T extends object>(meta: T, texts: ContentJson): T & ContentFields {
  const row = meta as T & ContentFields;
  made.set(row, encode(texts));
  FIELDS.forEach((field, i) => {
    Object.defineProperty(row, field, {
      enumerable: true,
      configurable: true,
      get() {
        const t = contentJson(row)[i];
        const value = t === null ? null : JSON.parse(t);
        Object.defineProperty(row, field, { value, enumerable: true });
        return value;
      },
    });
  });
  return row;
}

/**
 * True when the content surely fits in `maxBytes` (a UTF-16 unit is at most 3 bytes in
 * UTF-8), which spares counting the bytes of content far under the cap.
 */
export function contentJsonFits(texts: ContentJson, maxBytes: number): boolean {
  let n = FRAME;
  for (const t of texts) n += t === null ? 4 : 3 * t.length;
  return n <= maxBytes;
}

/** jsonBytes of the content fields, from their column texts. */
export function contentJsonBytes(texts: ContentJson): number {
  let n = FRAME;
  for (const t of texts) n += t === null ? 4 : jsonBytes(t, true);
  return n;
}
