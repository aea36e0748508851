// Pieces of the overview that are pure rendering: the totals tiles and the per-group table.
import { h } from "./dom.js";
import { compact, int, ms, pct, score, usd } from "./format.js";

function tile(id, label, value, sub, kind = "") {
  return h(
    "div",
    { class: `tile ${kind}`.trim(), dataset: { tile: id } },
    h("span", { class: "label" }, label),
    h("strong", { class: "value" }, value),
    h("span", { class: "sub" }, sub),
  );
}

/** Tiles from GET /metrics: cost, calls, tokens, error rate, p95 latency, quality. */
export function totalsTiles(m) {
  const cost = m.cost ?? {};
  const tokens = m.tokens ?? {};
  const errors = m.errors ?? {};
  const latency = m.latency ?? {};
  const quality = m.quality ?? {};
  const unpriced = cost.unpriced_span_count ? ` · ${int(cost.unpriced_span_count)} unpriced` : "";
  const none = isUnpriced(cost, m.span_count);
  return [
    tile(
      "cost",
      "Cost",
      none ? "unpriced" : usd(cost.total_usd ?? 0),
      none
        ? `${int(cost.unpriced_span_count ?? m.span_count)} calls without a known price`
        : `${usd(cost.per_call_usd ?? 0)} per call${unpriced}`,
    ),
    tile("calls", "Calls", int(m.span_count ?? 0), `in the last ${m.window ?? ""}`),
    tile(
      "tokens",
      "Tokens",
      compact(tokens.total ?? 0),
      `${compact(tokens.prompt_total ?? 0)} in · ${compact(tokens.completion_total ?? 0)} out`,
    ),
    tile(
      "errors",
      "Error rate",
      pct(errors.rate ?? 0),
      `${int(errors.count ?? 0)} failed calls`,
      (errors.rate ?? 0) >= 0.05 ? "bad" : "",
    ),
    tile("latency", "p95 latency", ms(latency.p95_ms), `p50 ${ms(latency.p50_ms)} · p99 ${ms(latency.p99_ms)}`),
    tile(
      "quality",
      "Quality",
      quality.scored_span_count ? score(quality.score_avg) : "–",
      quality.scored_span_count
        ? `p10 ${score(quality.score_p10)} · ${int(quality.scored_span_count)} scored`
        : "no scored calls",
    ),
  ];
}

/**
 * True when none of a group's calls has a price: the server sends `total_usd: null` (or, from
 * older servers, 0 with every call counted in `unpriced_span_count`). Never shown as $0.
 */
export function isUnpriced(cost, spanCount) {
  if (!cost) return false;
  if (cost.total_usd === null) return true;
  const unpriced = cost.unpriced_span_count ?? 0;
  return unpriced > 0 && unpriced >= (spanCount ?? 0) && !cost.total_usd;
}

/** A group's cost cell: "$1.23", "unpriced", or "$1.23" with how many calls had no price. */
function costCell(m) {
  const cost = m.cost ?? {};
  if (isUnpriced(cost, m.span_count)) return h("td", { class: "num unpriced", title: "No known price" }, "unpriced");
  const n = cost.unpriced_span_count ?? 0;
  return h(
    "td",
    { class: "num", title: n ? `${int(n)} calls without a known price are not included` : undefined },
    usd(cost.total_usd ?? 0),
    n ? h("small", { class: "unpriced" }, ` +${int(n)} unpriced`) : null,
  );
}

const sum = (s) => (s?.points ?? []).reduce((a, [, v]) => a + (Number(v) || 0), 0);

/**
 * Rank of each group (as a string): by cost over the window, then calls, then name. Groups
 * only seen in the series (they reach back to the first step boundary) go last.
 */
export function groupOrder(groups, costSeries) {
  const names = Object.keys(groups);
  const cost = (g) => groups[g]?.cost?.total_usd ?? 0;
  const calls = (g) => groups[g]?.span_count ?? 0;
  names.sort((a, b) => cost(b) - cost(a) || calls(b) - calls(a) || a.localeCompare(b));
  const extra = costSeries.map((s) => String(s.group)).filter((g) => !(g in groups));
  extra.sort(
    (a, b) => sum(costSeries.find((s) => String(s.group) === b)) - sum(costSeries.find((s) => String(s.group) === a)),
  );
  return new Map([...names, ...extra].map((n, i) => [n, i]));
}

const NONE_GROUP = "(none)";
const TRACE_FILTERS = new Set(["model", "caller", "status"]);

/** A group's name, linked to its traces when GET /traces can filter on it (provider cannot). */
export function tracesLink(dimension, group) {
  if (group === NONE_GROUP || dimension === "provider") return group;
  const key = TRACE_FILTERS.has(dimension) ? dimension : `attr.${dimension}`;
  return h(
    "a",
    { href: `#/traces?${new URLSearchParams({ [key]: group })}`, title: `Traces with ${key}=${group}` },
    group,
  );
}

/** Where the money goes: every figure per group over exactly the window (GET /metrics by_<key>). `colors`: group → colour. */
export function breakdownTable(dimension, groups, order, colors) {
  const rows = [...order.keys()].filter((g) => g in groups).map((g) => ({ group: g, m: groups[g] }));
  const cost = (r) => r.m.cost?.total_usd ?? 0;
  const total = rows.reduce((a, r) => a + cost(r), 0);
  const maxCost = Math.max(...rows.map(cost), 0);
  const th = (label, cls = "num") => h("th", { class: cls }, label);
  const head = h(
    "tr",
    {},
    th(dimension, ""),
    th("Cost"),
    th("Share", "bar-col"),
    th("Calls"),
    th("Per call"),
    th("p95"),
    th("Errors"),
    th("Quality", "num wide-only"),
  );
  const body = rows.map((r) =>
    h(
      "tr",
      { dataset: { group: r.group } },
      h(
        "td",
        { class: "group" },
        h("i", { class: "swatch", style: { background: colors.get(r.group) } }),
        tracesLink(dimension, r.group),
      ),
      costCell(r.m),
      h(
        "td",
        { class: "bar-col" },
        h("span", { class: "share" }, h("i", { style: { width: `${maxCost ? (100 * cost(r)) / maxCost : 0}%` } })),
        h("small", {}, total && !isUnpriced(r.m.cost, r.m.span_count) ? pct(cost(r) / total) : "–"),
      ),
      h("td", { class: "num" }, int(r.m.span_count ?? 0)),
      h(
        "td",
        { class: "num" },
        isUnpriced(r.m.cost, r.m.span_count) ? "unpriced" : r.m.span_count ? usd(r.m.cost?.per_call_usd ?? 0) : "–",
      ),
      h("td", { class: "num" }, ms(r.m.latency?.p95_ms)),
      h("td", { class: `num${(r.m.errors?.rate ?? 0) >= 0.05 ? " bad" : ""}` }, pct(r.m.errors?.rate ?? 0)),
      h("td", { class: "num wide-only" }, r.m.quality?.scored_span_count ? score(r.m.quality.score_avg) : "–"),
    ),
  );
  return [
    h("header", {}, h("h3", {}, `Where the money goes, by ${dimension}`)),
    h("div", { class: "table-wrap" }, h("table", { class: "data" }, h("thead", {}, head), h("tbody", {}, body))),
  ];
}
