// One trace: the span tree as a waterfall, and every field and attribute of the chosen span.
import { api } from "./api.js";
import { conversation } from "./conversation.js";
import { fill, h, notice } from "./dom.js";
import { compact, dateTime, ms, toMs, usd } from "./format.js";
import { scorePills, scoreTable } from "./scores.js";
import { traceStatus } from "./traces.js";

// The span fields in the order the Fields table lists them (the rest follow). The server
// writes them into the page from the span schema (src/schema/span.ts), so none is listed here.
function fieldOrder() {
  const el = document.getElementById("span-field-order");
  return el?.textContent ? JSON.parse(el.textContent) : [];
}

/**
 * Orders spans depth-first (children by start time) and gives each its depth. A span whose
 * parent is not in the trace (lost, or from another service) is shown as a root.
 */
export function spanTree(spans) {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map();
  const roots = [];
  for (const s of spans) {
    if (s.parent_span_id && ids.has(s.parent_span_id) && s.parent_span_id !== s.span_id) {
      if (!children.has(s.parent_span_id)) children.set(s.parent_span_id, []);
      children.get(s.parent_span_id).push(s);
    } else roots.push(s);
  }
  const byStart = (a, b) => toMs(a.started_at) - toMs(b.started_at);
  const out = [];
  const seen = new Set();
  const walk = (s, depth) => {
    if (seen.has(s.span_id)) return;
    seen.add(s.span_id);
    out.push({ span: s, depth });
    for (const c of (children.get(s.span_id) ?? []).sort(byStart)) walk(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) walk(r, 0);
  return out;
}

/** Where a bar's duration goes: after the bar, before it, or inside a bar that fills the row. */
function labelAt(left, width) {
  if (left + width < 82) return { left: `${left + width + 1}%` };
  if (left > 18) return { right: `${100 - left + 1}%` };
  return { left: `${left + 1}%`, color: "#fff" };
}

function value(v) {
  if (v === null || v === undefined) return h("span", { class: "null" }, "null");
  return typeof v === "string" ? v : JSON.stringify(v);
}

function kvTable(entries, id) {
  return h(
    "table",
    { class: "kv", id },
    h(
      "tbody",
      {},
      entries.map(([k, v]) => h("tr", { dataset: { key: k } }, h("th", {}, k), h("td", {}, value(v)))),
    ),
  );
}

function details(span, scores) {
  const order = fieldOrder();
  const keys = [
    ...order.filter((k) => k in span),
    ...Object.keys(span).filter((k) => !order.includes(k) && k !== "attributes" && k !== "content"),
  ];
  const attrs = Object.entries(span.attributes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return [
    h(
      "header",
      {},
      h("h3", {}, span.name),
      span.model ? h("span", { class: "pill" }, span.model) : h("span", { class: "pill muted" }, "no model"),
      scores.length ? scorePills(scores) : null,
    ),
    h(
      "div",
      { class: "cols" },
      h(
        "div",
        {},
        h("h4", {}, "Fields"),
        kvTable(
          keys.map((k) => [k, span[k]]),
          "span-fields",
        ),
      ),
      h(
        "div",
        {},
        h("h4", {}, `Attributes (${attrs.length})`),
        attrs.length ? kvTable(attrs, "span-attributes") : notice("No attributes."),
      ),
    ),
    span.model ? h("div", {}, h("h4", {}, "Conversation"), conversation(span.content)) : null,
  ];
}

export async function renderTrace(root, ctx) {
  const back = sessionStorage.getItem("tokentrace.lastSearch") || "#/traces";
  fill(root, h("a", { class: "back", href: back }, "← Traces"), notice("Loading trace…", "loading"));
  let t;
  try {
    t = await api(`traces/${encodeURIComponent(ctx.id)}?content=1`);
  } catch (e) {
    if (!ctx.signal.aborted)
      fill(
        root,
        h("a", { class: "back", href: back }, "← Traces"),
        notice(
          e.status === 404 ? `No trace ${ctx.id}: not recorded, or older than the retention window.` : e.message,
          "error",
        ),
      );
    return;
  }
  if (ctx.signal.aborted) return;
  const t0 = toMs(t.started_at);
  const total = Math.max(1, toMs(t.ended_at) - t0);
  const status = traceStatus(t);
  // The trace's session and user: its root span's, else the first span that names one.
  const tree = spanTree(t.spans ?? []);
  const session = tree.find(({ span }) => span.session_id)?.span.session_id;
  const user = tree.find(({ span }) => span.user_id)?.span.user_id;
  const panel = h("section", { class: "panel span-details", id: "span-details" });
  const rows = tree.map(({ span, depth }) => {
    const start = toMs(span.started_at) - t0;
    const dur = Math.max(0, toMs(span.ended_at) - toMs(span.started_at));
    const left = Math.min(99.5, (100 * start) / total);
    const width = Math.max(0.5, Math.min(100 - left, (100 * dur) / total));
    const kind = span.status !== "ok" ? span.status : span.model ? "llm" : "plain";
    const row = h(
      "button",
      {
        type: "button",
        class: "span-row",
        dataset: { spanId: span.span_id },
        onclick: () => choose(row, span),
        "aria-label": `${span.name}, ${ms(dur)}`,
      },
      h(
        "span",
        { class: "span-name", style: { paddingLeft: `${depth * 14 + 4}px` } },
        h("span", { class: "span-title" }, span.name),
        span.model ? h("span", { class: "pill" }, span.model) : null,
      ),
      h(
        "span",
        { class: "track" },
        h("span", { class: `bar ${kind}`, style: { left: `${left}%`, width: `${width}%` } }),
        h("span", { class: "bar-label", style: labelAt(left, width) }, ms(dur)),
      ),
    );
    return row;
  });
  const scores = t.scores ?? [];
  function choose(row, span) {
    for (const r of rows) r.classList.toggle("selected", r === row);
    fill(
      panel,
      details(
        span,
        scores.filter((s) => s.span_id === span.span_id),
      ),
    );
  }
  const byId = new Map((t.spans ?? []).map((s) => [s.span_id, s]));
  const spanName = (id) => byId.get(id)?.name ?? `span ${id} (not recorded)`;
  const selectSpan = (id) => {
    const row = rows.find((r) => r.dataset.spanId === id);
    if (!row) return;
    row.click();
    row.scrollIntoView({ block: "nearest" });
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h("span", { style: { left: `${f * 100}%` } }, ms(f * total)));
  fill(
    root,
    h("a", { class: "back", href: back }, "← Traces"),
    h(
      "section",
      { class: "panel trace-head" },
      h("h2", {}, t.name || "(unnamed)", " ", h("span", { class: `badge ${status}` }, status)),
      h("code", { class: "trace-id" }, t.trace_id),
      h(
        "dl",
        { class: "facts" },
        [
          ["Started", dateTime(t.started_at)],
          ["Duration", ms(total)],
          ["Spans", String(t.span_count)],
          ["Tokens", compact(t.total_tokens)],
          ["Cost", usd(t.total_cost_usd)],
          ...(session ? [["Session", h("a", { href: `#/sessions/${encodeURIComponent(session)}` }, session)]] : []),
          ...(user ? [["User", h("a", { href: `#/sessions?user_id=${encodeURIComponent(user)}` }, user)]] : []),
        ].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))),
      ),
    ),
    h(
      "section",
      { class: "panel", id: "scores" },
      h("h4", {}, `Scores (${scores.length})`),
      scoreTable(scores, spanName, selectSpan),
    ),
    h(
      "section",
      { class: "panel waterfall", id: "waterfall" },
      h(
        "div",
        { class: "axis" },
        h("span", { class: "span-name" }, "Span"),
        h("span", { class: "track ticks" }, ticks),
      ),
      rows,
    ),
    panel,
  );
  if (rows.length) choose(rows[0], tree[0].span);
}
