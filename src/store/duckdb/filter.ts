import { FILTER_FIELDS, type SpanFilter } from "../store.js";
import { attrMask } from "./bloom.js";

/**
 * The JSON Pointer (RFC 6901) addressing one top-level attribute key. Pointers have no
 * quoting or wildcard syntax, so a key such as `$.a`, `a"b` or `*` names exactly itself
 * (unlike `$.path` expressions); only `~` and `/` need escaping.
 *
 * @example jsonPointer("a/b") // "/a~1b"
 */
export function jsonPointer(key: string): string {
  return `/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

/** Collects positional parameters ($1, $2, ...) while SQL is assembled. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder. */
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * SQL that is true when attribute `key` of the row, compared as a string, equals `value`.
 * Key and value are bound parameters, never spliced into the SQL. Pair it with
 * attrBloomSql for speed: this part parses JSON.
 */
function attrEqualsSql(key: string, value: string, p: Params, alias = ""): string {
  const col = `${alias === "" ? "" : `${alias}.`}attributes`;
  return `json_extract_string(${col}, ${p.add(jsonPointer(key))}) = ${p.add(value)}`;
}

/** Cheap necessary condition for a set of attr filters: the row's Bloom bits include theirs. */
function attrBloomSql(attrs: Record<string, string>, p: Params, alias = ""): string {
  const col = `${alias === "" ? "" : `${alias}.`}attr_bloom`;
  const mask = p.add(attrMask(attrs));
  return `(${col} & ${mask}) = ${mask}`;
}

/**
 * WHERE conditions (ANDed, possibly empty) for a SpanFilter over the spans table.
 * Shared by trace search and, if it helps, the metrics queries.
 */
export function filterConditions(f: SpanFilter, p: Params, alias = ""): string[] {
  const c = alias === "" ? "" : `${alias}.`;
  const out: string[] = [];
  // the field names come from a closed list, never from a request
  for (const k of FILTER_FIELDS) if (f[k] !== undefined) out.push(`${c}${k} = ${p.add(f[k])}`);
  const attrs = Object.entries(f.attrs ?? {});
  if (attrs.length > 0) out.push(attrBloomSql(f.attrs ?? {}, p, alias));
  for (const [k, v] of attrs) out.push(attrEqualsSql(k, v, p, alias));
  return out;
}
