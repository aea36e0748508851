import type { ContentFields } from "./types.js";

const enc = new TextEncoder();

/** Bytes of a value as stored: its JSON text in UTF-8 (`isJson`: v is that text already). */
export function jsonBytes(v: unknown, isJson = false): number {
  const s = isJson ? (v as string) : JSON.stringify(v);
  // Plain ASCII is the common case; only then is the length the byte count.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  return /^[\x00-\x7f]*$/.test(s) ? s.length : enc.encode(s).length;
}

/** What a cut string ends with; `N` is the number of bytes cut from it. */
function truncationMarker(cut: number): string {
  return `…[truncated ${cut} bytes]`;
}

// Room the marker takes (the longest number of bytes a span can have cut, ~10 digits).
const MARKER_ROOM = jsonBytes(truncationMarker(9_999_999_999)) - 2;
const SHAPE_KEYS = new Set(["type", "role", "id", "name", "finish_reason"]);

interface Leaf {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  value: string;
  bytes: number; // JSON-escaped UTF-8 bytes without the quotes
}

function leaves(v: unknown, out: Leaf[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      if (typeof x === "string") out.push({ holder: v, key: i, value: x, bytes: jsonBytes(x) - 2 });
      else leaves(x, out);
    });
  } else if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (typeof x === "string") {
        if (!SHAPE_KEYS.has(k)) out.push({ holder: o, key: k, value: x, bytes: jsonBytes(x) - 2 });
      } else leaves(x, out);
    }
  }
}

/** The largest L with sum(min(bytes, L)) + MARKER_ROOM × (count over L) <= budget; -1 when none. */
function level(sizes: number[], budget: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let below = 0; // bytes of the strings entirely kept
  for (let i = 0; i < sorted.length; i++) {
    const over = sorted.length - i; // strings at or above sorted[i]
    const l = Math.floor((budget - below - over * MARKER_ROOM) / over);
    if (l < sorted[i]) return l >= 0 ? l : -1;
    below += sorted[i];
  }
  return Number.POSITIVE_INFINITY;
}

function cutTo(s: string, bytes: number, target: number): string {
  let n = Math.max(0, Math.floor((s.length * target) / Math.max(bytes, 1)));
  // Never split a surrogate pair.
  if (n > 0 && n < s.length && (s.charCodeAt(n - 1) & 0xfc00) === 0xd800) n--;
  return s.slice(0, n);
}

/**
 * Caps one span's content at `maxBytes` (its JSON, UTF-8). Over the cap, the longest strings
 * are cut to one common length, each ending with `…[truncated N bytes]`, so short messages,
 * roles and tool names stay whole and every message keeps its beginning. Content whose shape
 * alone is over the cap (thousands of tiny messages) is replaced by one marker message.
 * Returns the capped copy and the bytes cut (0 when it fitted). `size` is jsonBytes(fields),
 * when the caller knows it.
 */
export function capContent(
  fields: ContentFields,
  maxBytes: number,
  size = jsonBytes(fields),
): { fields: ContentFields; truncated: number } {
  if (size <= maxBytes) return { fields, truncated: 0 };
  const copy = structuredClone(fields);
  let budget = maxBytes;
  for (let attempt = 0; attempt < 4; attempt++) {
    const all: Leaf[] = [];
    leaves(copy, all);
    const total = jsonBytes(copy);
    const strings = all.reduce((n, l) => n + l.bytes, 0);
    const l = level(
      all.map((x) => x.bytes),
      budget - (total - strings),
    );
    if (l < 0) break;
    for (const leaf of all) {
      if (leaf.bytes <= l) continue;
      const kept = cutTo(leaf.value, leaf.bytes, l);
      const value = kept + truncationMarker(leaf.bytes - (jsonBytes(kept) - 2));
      (leaf.holder as Record<string | number, unknown>)[leaf.key] = value;
    }
    const now = jsonBytes(copy);
    if (now <= maxBytes) return { fields: copy, truncated: size - now };
    // JSON escapes and multi-byte characters made the estimate short: aim lower.
    budget -= now - maxBytes + MARKER_ROOM;
  }
  const marker = `[content of ${size} bytes is over content.max_bytes (${maxBytes}) and was dropped]`;
  const dropped: ContentFields = {
    input: [{ role: "user", parts: [{ type: "text", content: marker }] }],
    output: null,
    system: null,
    tools: null,
  };
  return { fields: dropped, truncated: size };
}
