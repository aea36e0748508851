import { jsonBytes } from "./cap.js";
import type { ContentFields } from "./types.js";

/** The JSON text of the four content columns: input, output, system, tools (null: none). */
export type ContentJson = [string | null, string | null, string | null, string | null];

const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
// Texts made at ingest, kept for the store so 4 KB of content is stringified once, not twice.
const made = new WeakMap<object, ContentJson>();
// Bytes of `{"input":…,"output":…,"system":…,"tools":…}` besides the four values.
const FRAME = jsonBytes({ input: 0, output: 0, system: 0, tools: 0 }) - 4;

/** The column texts of content, made once per row (ingest keeps them with the row). */
export function contentJson(c: ContentFields): ContentJson {
  return made.get(c) ?? [json(c.input), json(c.output), json(c.system), json(c.tools)];
}

/** Keeps the texts of a row the caller will not change again, for contentJson. */
export function keepContentJson(row: ContentFields, texts: ContentJson): void {
  made.set(row, texts);
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
