// Trace search: model, caller, status, time range and attr.KEY=value filters; newest first.
import { api, withQuery } from "./api.js";
import { cursorPager, dataTable, field, fill, h, notice, select } from "./dom.js";
import { compact, dateTime, ms, shortTime, toMs, usd } from "./format.js";

const PAGE = 50;
const STATUSES = [["", "any"], "ok", "error", "timeout"];

/** "attr.workflow=rag user=42" → {"attr.workflow":"rag","attr.user":"42"}; bad pieces are reported. */
export function parseAttrFilter(text) {
  const out = {};
  const bad = [];
  for (const piece of text.split(/\s+/).filter(Boolean)) {
    const eq = piece.indexOf("=");
    const key = eq > 0 ? piece.slice(0, eq).replace(/^attr\./, "") : "";
    if (!key) bad.push(piece);
    else out[`attr.${key}`] = piece.slice(eq + 1);
  }
  return { attrs: out, bad };
}

// <input type="datetime-local"> works in local time without a zone; the API wants RFC 3339.
const toLocalInput = (iso) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (v) => (v ? new Date(v).toISOString() : "");

/** The worst status among a trace's spans: error beats timeout beats ok. */
export function traceStatus(t) {
  const st = new Set((t.spans ?? []).map((s) => s.status));
  return st.has("error") ? "error" : st.has("timeout") ? "timeout" : "ok";
}

export async function renderTraces(root, ctx) {
  const p = ctx.params;
  const attrText = [...p.entries()]
    .filter(([k]) => k.startsWith("attr."))
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const inputs = {
    model: h("input", { name: "model", value: p.get("model") ?? "", placeholder: "gpt-4o" }),
    caller: h("input", { name: "caller", value: p.get("caller") ?? "", placeholder: "summarizer-service" }),
    status: select(STATUSES, p.get("status") ?? "", { name: "status" }),
    since: h("input", {
      name: "since",
      type: "datetime-local",
      value: p.get("since") ? toLocalInput(p.get("since")) : "",
    }),
    until: h("input", {
      name: "until",
      type: "datetime-local",
      value: p.get("until") ? toLocalInput(p.get("until")) : "",
    }),
    attrs: h("input", { name: "attrs", value: attrText, placeholder: "attr.workflow=rag-answer" }),
  };
  const formError = h("p", { class: "error", hidden: true });
  const form = h(
    "form",
    { class: "panel search", id: "trace-search" },
    field("Model", inputs.model),
    field("Caller", inputs.caller),
    field("Status", inputs.status),
    field("Since", inputs.since),
    field("Until", inputs.until),
    field("Attributes", inputs.attrs, "wide"),
    formError,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Search"),
      h("button", { type: "reset" }, "Clear"),
    ),
  );
  const results = h("section", { class: "panel", id: "trace-results" });
  fill(root, form, results);

  // Pages visited, newest first: each page's cursor (null: the first page) and the rank of
  // its first row. "Older" follows next_cursor; "Newer" goes back one. A reload keeps the
  // page shown; "Newer" then returns to the first page.
  let pages = [{ cursor: null, from: 0 }];
  if (p.get("cursor")) pages.push({ cursor: p.get("cursor"), from: Number(p.get("from")) || 0 });
  const current = () => pages[pages.length - 1];
  function query() {
    const { attrs, bad } = parseAttrFilter(inputs.attrs.value);
    formError.hidden = bad.length === 0;
    formError.textContent = bad.length ? `Write attribute filters as KEY=value: ${bad.join(", ")}` : "";
    return {
      model: inputs.model.value.trim(),
      caller: inputs.caller.value.trim(),
      status: inputs.status.value,
      since: fromLocalInput(inputs.since.value),
      until: fromLocalInput(inputs.until.value),
      ...attrs,
    };
  }

  async function search() {
    const q = query();
    const params = Object.fromEntries(Object.entries(q).filter(([, v]) => v));
    const { cursor, from } = current();
    ctx.setParams(cursor ? { ...params, cursor, from } : params);
    fill(results, notice("Searching…", "loading"));
    try {
      const r = await api(withQuery("traces", { ...params, limit: PAGE, cursor }));
      if (ctx.signal.aborted) return;
      renderResults(r, location.hash);
    } catch (e) {
      if (!ctx.signal.aborted) fill(results, notice(e.message, "error"));
    }
  }

  function renderResults(r, back) {
    sessionStorage.setItem("tokentrace.lastSearch", back);
    const traces = r.traces ?? [];
    if (traces.length === 0)
      return fill(results, notice(current().cursor ? "No more traces." : "No traces match these filters."));
    const rows = traces.map((t) => {
      const models = [...new Set(t.spans.map((s) => s.model).filter(Boolean))];
      const root = t.spans.find((s) => !s.parent_span_id) ?? t.spans[0];
      const status = traceStatus(t);
      const href = `#/traces/${encodeURIComponent(t.trace_id)}`;
      return h(
        "tr",
        {
          class: "link-row",
          dataset: { traceId: t.trace_id },
          onclick: (ev) => {
            if (ev.target.tagName !== "A") location.hash = href;
          },
        },
        h("td", { class: "nowrap", title: dateTime(t.started_at) }, shortTime(t.started_at)),
        h("td", {}, h("a", { href }, t.name || "(unnamed)")),
        h("td", {}, h("span", { class: `badge ${status}` }, status)),
        h("td", { class: "num" }, ms(toMs(t.ended_at) - toMs(t.started_at))),
        h("td", { class: "num" }, usd(t.total_cost_usd)),
        h("td", { class: "num" }, compact(t.total_tokens)),
        h("td", { class: "num" }, t.span_count),
        h("td", {}, models.join(", ") || "–"),
        h("td", {}, root?.caller ?? "–"),
      );
    });
    // What matters on a narrow screen comes first; the rest scrolls.
    const head = ["Started", "Name", "Status", "Duration", "Cost", "Tokens", "Spans", "Models", "Caller"];
    const numeric = new Set(["Spans", "Tokens", "Cost", "Duration"]);
    fill(
      results,
      dataTable(head, numeric, rows),
      cursorPager(pages, traces.length, r.next_cursor, () => ctx.track(search())),
    );
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    pages = [pages[0]];
    ctx.track(search());
  });
  form.addEventListener("reset", () => {
    // The inputs are cleared after this event; search once they are.
    setTimeout(() => {
      pages = [pages[0]];
      ctx.track(search());
    });
  });
  await search();
}
