import { findScalar, SCALARS } from "../metrics/catalogue.js";
import { isScoreMetric, SCORE_METRICS } from "../metrics/scores.js";
import { findBadText } from "../schema/span.js";
import { isScoreName } from "../score/parse.js";
import { SCORE_SPAN_COLUMNS } from "../score/types.js";
import { SPAN_STATUSES, type SpanStatus } from "../span/types.js";
import { FILTER_FIELDS, type FilterField, type SpanFilter } from "../store/store.js";
import { parseDuration } from "../util/duration.js";
import { type Baseline, checkBaseline } from "./baseline-rule.js";
import type { Budget } from "./budget.js";
import { checkBudget } from "./budget-rule.js";
import type { Delivery, RuleError } from "./delivery-spec.js";
import { validateDelivery } from "./delivery-spec.js";

export type { RuleError } from "./delivery-spec.js";

/** Comparisons with the threshold; increase_pct and decrease_pct compare with a baseline (baseline.ts). */
export const OPS = ["gt", "gte", "lt", "lte", "eq", "ne", "increase_pct", "decrease_pct"] as const;
export type Op = (typeof OPS)[number];

/** A rule filter as users write it: exact matches on span columns and `attr.KEY` entries. */
export interface RuleFilter {
  model?: string;
  caller?: string;
  provider?: string;
  status?: SpanStatus;
  session_id?: string;
  user_id?: string;
  [attrKey: `attr.${string}`]: string;
}

/**
 * A validated alert rule in its canonical form (defaults filled in). It is plain JSON and
 * validateRule accepts it again unchanged, so it is what gets persisted and shown.
 */
export interface AlertRule {
  name: string;
  metric: string;
  /** The score name of a score metric (score_avg, score_p10); absent for every other metric. */
  score?: string;
  op: Op;
  threshold: number;
  window: string;
  cooldown: string;
  min_spans: number;
  filter: RuleFilter;
  delivery: Delivery;
  send_resolved: boolean;
  /**
   * A group-by rule: evaluated per value of this key (one key: model, provider, caller,
   * status, user_id, session_id or an attribute key), each group an alert of its own. Absent
   * on a rule without it, so such a rule's canonical form is unchanged.
   */
  group_by?: string[];
  /** With group_by: the most groups the rule tracks (default 100). */
  max_groups?: number;
  /**
   * A spend budget over calendar periods (budget.ts). A budget rule's op is "gte", its
   * threshold the amount, its window and cooldown the period's name ("month").
   */
  budget?: Budget;
  /**
   * With op increase_pct / decrease_pct: what the value is compared with, `{offset: "7d"}`
   * (the same window that long ago) or `{avg_over: "7d"}` (the mean of the window's value over
   * the windows before it); `threshold` is then a change in percent.
   */
  baseline?: Baseline;
}

export type RuleCheck = { ok: true; rule: AlertRule } | { ok: false; errors: RuleError[] };

const KEYS = [
  "name",
  "metric",
  "score",
  "op",
  "threshold",
  "window",
  "cooldown",
  "min_spans",
  "filter",
  "delivery",
  "send_resolved",
  "group_by",
  "max_groups",
  "budget",
  "baseline",
] as const;
/** Groups a group-by rule tracks unless it says otherwise, and the most it may ask for. */
export const DEFAULT_MAX_GROUPS = 100;
const MAX_MAX_GROUPS = 10_000;
const GROUP_KEY_RE = /^[^\s\p{Cc}]{1,128}$/u;
const FILTER_COLUMNS = FILTER_FIELDS;
// Names travel in URL paths (/alerts/{name}/silence) and in receivers' labels.
const NAME_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkFilter(v: unknown, errors: RuleError[]): RuleFilter {
  const filter: RuleFilter = {};
  if (v === undefined || v === null) return filter;
  if (!isObject(v)) {
    errors.push({ path: "filter", message: 'must be an object such as {"model": "gpt-4o"}' });
    return filter;
  }
  for (const [key, value] of Object.entries(v)) {
    const path = `filter.${key}`;
    // the span text rule: no span holds a NUL or a lone surrogate, and PostgreSQL stores neither
    // (a value that is not a string is refused below: never walked, it may be nested deep)
    const bad = findBadText({ [key]: typeof value === "string" ? value : null }, "filter");
    if (bad !== null) errors.push({ path: bad[0], message: bad[1] });
    else if (key.startsWith("attr.")) {
      if (key.length === 5) errors.push({ path, message: "the attribute key is missing (attr.KEY)" });
      // attribute values compare as strings, so 5 and true are accepted and stored as "5", "true"
      else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        filter[key as `attr.${string}`] = String(value);
      } else errors.push({ path, message: "must be a string, number or boolean" });
    } else if ((FILTER_COLUMNS as readonly string[]).includes(key)) {
      if (typeof value !== "string" || value === "") {
        errors.push({ path, message: "must be a non-empty string" });
      } else if (key === "status" && !SPAN_STATUSES.includes(value as SpanStatus)) {
        errors.push({ path, message: `must be one of ${SPAN_STATUSES.join(", ")}` });
      } else {
        (filter as Record<string, string>)[key] = value;
      }
    } else {
      errors.push({ path, message: `unknown filter; use ${FILTER_COLUMNS.join(", ")} or attr.KEY` });
    }
  }
  return filter;
}

/** `score`: the score name, required for score_avg and score_p10 and refused for every other metric. */
function checkScore(v: unknown, scored: boolean, errors: RuleError[]): string | null {
  if (!scored) {
    if (v !== undefined)
      errors.push({ path: "score", message: `only ${SCORE_METRICS.join(" and ")} take a score name` });
    return null;
  }
  if (v === undefined) {
    errors.push({ path: "score", message: `is required for ${SCORE_METRICS.join(" and ")}: the score name` });
  } else if (typeof v !== "string" || !isScoreName(v)) {
    errors.push({ path: "score", message: "must be 1-128 characters of letters, digits, _ . : -" });
  } else return v;
  return null;
}

/** A score rule filters through the scored span, on its columns only. */
function checkScoreFilter(filter: RuleFilter, errors: RuleError[]): void {
  for (const key of Object.keys(filter)) {
    if (!(SCORE_SPAN_COLUMNS as readonly string[]).includes(key)) {
      errors.push({
        path: `filter.${key}`,
        message: `a score rule filters on ${SCORE_SPAN_COLUMNS.join(", ")} (of the scored span)`,
      });
    }
  }
}

/** group_by and max_groups: one key, and a cap that only a group-by rule may set. */
function checkGroups(input: Record<string, unknown>, errors: RuleError[]): Pick<AlertRule, "group_by" | "max_groups"> {
  const { group_by, max_groups } = input;
  if (group_by === undefined) {
    if (max_groups !== undefined) errors.push({ path: "max_groups", message: "applies only with group_by" });
    return {};
  }
  if (!Array.isArray(group_by) || group_by.length === 0) {
    errors.push({ path: "group_by", message: "must be a list of one key, such as [user_id]" });
    return {};
  }
  if (group_by.length > 1) {
    errors.push({ path: "group_by", message: "one key only (a rule groups by one dimension)" });
    return {};
  }
  const [key] = group_by;
  const bad = typeof key === "string" ? findBadText(key, "group_by[0]") : null;
  if (typeof key !== "string" || !GROUP_KEY_RE.test(key) || bad !== null || key === "attr.") {
    errors.push({
      path: "group_by[0]",
      message:
        "must be model, provider, caller, status, user_id, session_id or an attribute key (1-128 characters, no spaces)",
    });
    return {};
  }
  if (max_groups !== undefined && !(Number.isSafeInteger(max_groups) && (max_groups as number) >= 1)) {
    errors.push({ path: "max_groups", message: "must be an integer >= 1" });
  } else if (max_groups !== undefined && (max_groups as number) > MAX_MAX_GROUPS) {
    errors.push({ path: "max_groups", message: `must be at most ${MAX_MAX_GROUPS}` });
  }
  return { group_by: [key], max_groups: (max_groups as number | undefined) ?? DEFAULT_MAX_GROUPS };
}

function checkDuration(v: unknown, path: string, errors: RuleError[]): string | null {
  if (typeof v !== "string" || parseDuration(v) === null) {
    errors.push({ path, message: 'must be a duration such as "30m", "1h" or "1h30m", at most 10y' });
    return null;
  }
  return v.trim();
}

/**
 * Checks an alert rule from code, tokentrace.yml or POST /alerts and fills in its defaults
 * (cooldown = window, min_spans 1, filter {}, delivery log, send_resolved false). Every
 * problem is reported, each with the path of its field.
 *
 * @example validateRule({ name: "cost", metric: "total_cost", op: "gt", threshold: 10, window: "1h" })
 */
export function validateRule(input: unknown): RuleCheck {
  const errors: RuleError[] = [];
  if (!isObject(input)) return { ok: false, errors: [{ path: "", message: "an alert rule must be an object" }] };
  for (const key of Object.keys(input)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      errors.push({ path: key, message: `unknown field; known: ${KEYS.join(", ")}` });
    }
  }
  const { name, metric, op, threshold, min_spans, send_resolved } = input;
  if (name === undefined) errors.push({ path: "name", message: "is required" });
  else if (typeof name !== "string" || !NAME_RE.test(name)) {
    errors.push({ path: "name", message: "must be 1-128 characters of letters, digits, _ . : -" });
  }
  if (metric === undefined) errors.push({ path: "metric", message: "is required" });
  else if (typeof metric !== "string" || !(findScalar(metric) || isScoreMetric(metric))) {
    const known = [...SCALARS.map((m) => m.name), ...SCORE_METRICS].join(", ");
    errors.push({ path: "metric", message: `must be a scalar metric: ${known}` });
  }
  const scored = typeof metric === "string" && isScoreMetric(metric);
  const score = checkScore(input.score, scored, errors);
  const budget = input.budget === undefined ? undefined : checkBudget(input, errors);
  let window: string | null = null;
  let cooldown: string | null = null;
  if (budget !== undefined) {
    // a budget fixes op, threshold, window and cooldown (checkBudget refused other values)
    if (budget !== null) window = cooldown = budget.period;
  } else {
    if (op === undefined) errors.push({ path: "op", message: "is required" });
    else if (typeof op !== "string" || !(OPS as readonly string[]).includes(op)) {
      errors.push({ path: "op", message: `must be one of ${OPS.join(", ")}` });
    }
    if (threshold === undefined) errors.push({ path: "threshold", message: "is required" });
    else if (typeof threshold !== "number" || !Number.isFinite(threshold)) {
      errors.push({ path: "threshold", message: "must be a finite number" });
    }
    if (input.window === undefined) errors.push({ path: "window", message: "is required" });
    else window = checkDuration(input.window, "window", errors);
    cooldown = input.cooldown === undefined ? window : checkDuration(input.cooldown, "cooldown", errors);
  }
  if (min_spans !== undefined && !(Number.isSafeInteger(min_spans) && (min_spans as number) >= 0)) {
    errors.push({ path: "min_spans", message: "must be an integer >= 0" });
  }
  if (send_resolved !== undefined && typeof send_resolved !== "boolean") {
    errors.push({ path: "send_resolved", message: "must be true or false" });
  }
  const baseline = checkBaseline(input, window, errors);
  const filter = checkFilter(input.filter, errors);
  if (scored) checkScoreFilter(filter, errors);
  const groups = checkGroups(input, errors);
  if (scored && baseline !== null) {
    errors.push({ path: "baseline", message: "a score rule has no baseline" });
  }
  if (scored && groups.group_by !== undefined) {
    errors.push({ path: "group_by", message: "a score rule has no group_by; filter it on model, caller or user_id" });
  }
  const delivery = validateDelivery(input.delivery, errors);
  // The span text rule (schema/span.ts) on the delivery's strings, once its shape is known (the
  // filter's are checked per entry; every other field has a fixed form): PostgreSQL stores
  // neither a NUL nor a lone surrogate, so a rule carrying one is refused.
  const badText = delivery === null ? null : findBadText(delivery, "delivery");
  if (badText !== null) errors.push({ path: badText[0], message: badText[1] });
  if (errors.length > 0 || delivery === null || window === null || cooldown === null) return { ok: false, errors };
  return {
    ok: true,
    rule: {
      name: name as string,
      metric: metric as string,
      ...(score === null ? {} : { score }),
      op: budget ? "gte" : (op as Op),
      threshold: budget ? budget.amount : (threshold as number),
      window,
      cooldown,
      min_spans: (min_spans as number | undefined) ?? 1,
      filter,
      delivery,
      send_resolved: (send_resolved as boolean | undefined) ?? false,
      ...groups,
      ...(budget && { budget }),
      ...(baseline && { baseline }),
    },
  };
}

/** One line for an API error or a log: "threshold: must be a finite number; window: is required". */
export function describeErrors(errors: RuleError[]): string {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ");
}

/** The rule's filter as the store's SpanFilter. */
export function toSpanFilter(filter: RuleFilter): SpanFilter {
  const out: SpanFilter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith("attr.")) out.attrs = { ...out.attrs, [key.slice(5)]: value };
    else if (key === "status") out.status = value as SpanStatus;
    else out[key as Exclude<FilterField, "status">] = value;
  }
  return out;
}

/** Window and cooldown in milliseconds (both were checked by validateRule). */
export function ruleTiming(rule: AlertRule): { windowMs: number; cooldownMs: number } {
  return { windowMs: parseDuration(rule.window) ?? 0, cooldownMs: parseDuration(rule.cooldown) ?? 0 };
}
