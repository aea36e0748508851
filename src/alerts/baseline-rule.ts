// The `baseline` field of an alert rule (op increase_pct / decrease_pct): validation.
import { parseDuration } from "../util/duration.js";
import type { RuleError } from "./delivery-spec.js";

/** The ops that compare with a baseline (the threshold is then a change in percent). */
export const BASELINE_OPS = ["increase_pct", "decrease_pct"] as const;

/** offset: the same window that long ago; avg_over: the mean of the window's value over that span before it. */
export type Baseline = { offset: string } | { avg_over: string };

/** At most this many windows are averaged (avg_over / window), so a round stays one query. */
const MAX_WINDOWS = 10_000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A baseline is required with op increase_pct / decrease_pct (whose threshold is a change in
 * percent, >= 0) and refused with every other op. Returns it, or null (none, or a problem
 * recorded).
 */
export function checkBaseline(
  input: Record<string, unknown>,
  window: string | null,
  errors: RuleError[],
): Baseline | null {
  const relative = (BASELINE_OPS as readonly unknown[]).includes(input.op);
  const b = input.baseline;
  if (!relative) {
    if (b !== undefined)
      errors.push({ path: "baseline", message: "applies only with op increase_pct or decrease_pct" });
    return null;
  }
  if (typeof input.threshold === "number" && input.threshold < 0) {
    errors.push({
      path: "threshold",
      message: "with increase_pct / decrease_pct: a change in percent >= 0 (50 = +50%)",
    });
  }
  const example = 'such as {"offset": "7d"} or {"avg_over": "7d"}';
  if (b === undefined) {
    errors.push({ path: "baseline", message: `is required with op ${String(input.op)}: ${example}` });
    return null;
  }
  if (!isObject(b) || Object.keys(b).length !== 1 || !("offset" in b || "avg_over" in b)) {
    errors.push({ path: "baseline", message: `must be one of ${example}` });
    return null;
  }
  const [key, value] = Object.entries(b)[0];
  const ms = typeof value === "string" ? parseDuration(value) : null;
  if (ms === null || ms <= 0) {
    errors.push({ path: `baseline.${key}`, message: 'must be a duration such as "1d" or "7d"' });
    return null;
  }
  const windowMs = window === null ? null : parseDuration(window);
  if (windowMs !== null && key === "offset" && ms < windowMs) {
    errors.push({ path: "baseline.offset", message: `must be at least the window (${window}), or the two overlap` });
    return null;
  }
  if (windowMs !== null && key === "avg_over" && (ms < windowMs || ms / windowMs > MAX_WINDOWS)) {
    errors.push({ path: "baseline.avg_over", message: `must hold 1 to ${MAX_WINDOWS} windows of ${window}` });
    return null;
  }
  return key === "offset" ? { offset: (value as string).trim() } : { avg_over: (value as string).trim() };
}
