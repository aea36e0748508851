import type { Attributes } from "../../span/types.js";
import { HOUR_MS } from "./plan.js";

/** The value a dimension takes for spans past its per-hour cap of distinct values. */
export const OTHER = "(other)";

/** The group of spans (or scores) without a value for the group-by. */
export const NONE_GROUP = "(none)";

/**
 * The cap on a label's values: `v` keeps its name when it is named already or `named` holds
 * fewer than `max` values (it is then named for good); false means it folds into "(other)".
 * A value once named stays named, so counts kept under it never move to another label.
 *
 * @example admit(named, "gpt-4o", 1000) // true while fewer than 1000 values are named
 */
export function admit(named: Set<string>, v: string, max: number): boolean {
  if (named.has(v)) return true;
  if (named.size >= max) return false;
  named.add(v);
  return true;
}

/** Declared attribute dimensions and their per-bucket cap (metrics.dimensions, metrics.max_dimension_values). */
export interface Dimensions {
  names: readonly string[];
  maxValues: number;
}

export const NO_DIMENSIONS: Dimensions = { names: [], maxValues: 1000 };

/**
 * Folding of declared dimensions: in each UTC hour, the first `maxValues` distinct values of
 * a dimension to arrive keep their name and later new ones become "(other)", so rollup rows
 * per hour stay bounded whatever the attribute's cardinality. Whether a value is named in an
 * hour never changes once decided, so a span's folded value is a function of (hour, value):
 * the ragged edges of a window fold the same way by looking up the hour's named values.
 *
 * @example const f = new DimensionFolder({ names: ["workflow"], maxValues: 1000 }); f.fold(t, { workflow: "chat" }) // '{"workflow":"chat"}'
 */
export class DimensionFolder {
  private readonly hours = new Map<number, Map<string, Set<string>>>();
  /** `evict`: forget old hours past 512 (a store that can read them back from its rollups). */
  constructor(
    readonly dims: Dimensions,
    private readonly evict = false,
  ) {}

  /** True when the hour's named values are known here (else load them first). */
  knows(hour: number): boolean {
    return this.hours.has(hour);
  }

  /** Values named since the last call, as [hour, dimension, value]: a store persists them. */
  private fresh: [number, string, string][] = [];

  /** Drops every hour: the next batch reads their named values back from the store. */
  forget(): void {
    this.hours.clear();
    this.fresh = [];
  }

  /** Retention removed whole hours before `hour`: their named values go with them. */
  dropBefore(hour: number): void {
    for (const h of this.hours.keys()) if (h < hour) this.hours.delete(h);
  }

  takeFresh(): [number, string, string][] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  /** Seeds an hour with the values already named in it (read back from stored rollups). */
  load(hour: number, named: Map<string, Set<string>>): void {
    this.hours.set(hour, named);
    // Hours far behind the newest are rarely written again: keep memory bounded.
    if (this.evict && this.hours.size > 512) {
      const oldest = [...this.hours.keys()].sort((a, b) => a - b).slice(0, 256);
      for (const h of oldest) this.hours.delete(h);
    }
  }

  /** The span's dimensions as the rollup key's JSON text: declared keys present on the span, folded. */
  fold(startedAt: number, attributes: Attributes): string {
    if (this.dims.names.length === 0) return "{}";
    const hour = Math.floor(startedAt / HOUR_MS) * HOUR_MS;
    let named = this.hours.get(hour);
    if (named === undefined) {
      named = new Map();
      this.load(hour, named);
    }
    const out: Record<string, string> = {};
    for (const d of this.dims.names) {
      if (!Object.hasOwn(attributes, d)) continue;
      const v = String(attributes[d]);
      let set = named.get(d);
      if (set === undefined) {
        set = new Set();
        named.set(d, set);
      }
      const known = set.has(v);
      if (admit(set, v, this.dims.maxValues)) {
        if (!known) this.fresh.push([hour, d, v]);
        out[d] = v;
      } else {
        out[d] = OTHER;
      }
    }
    return JSON.stringify(out);
  }
}
