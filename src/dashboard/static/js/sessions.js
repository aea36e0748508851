// Sessions: the conversations recorded in a window (GET /sessions), and one session as its
// traces in conversation order (GET /sessions/{id}), each with cost, latency, status and scores.
import { api, withQuery } from "./api.js";
import { cursorPager, dataTable, field, fill, h, notice } from "./dom.js";
import { dateTime, int, ms, score, shortTime, usd } from "./format.js";
import { WINDOWS } from "./overview.js";
import { scorePills } from "./scores.js";

const PAGE = 50;

/** A row that opens `href` when clicked anywhere but on its own links. */
function linkRow(href, dataset, ...cells) {
  return h(
    "tr",
    {
      class: "link-row",
      dataset,
      onclick: (ev) => {
        if (ev.target.tagName !== "A") location.hash = href;
      },
    },
    cells,
  );
}

const sessionHref = (id) => `#/sessions/${encodeURIComponent(id)}`;

export async function renderSessions(root, ctx) {
  const p = ctx.params;
  const state = {
    window: WINDOWS.includes(p.get("window")) ? p.get("window") : "24h",
    user_id: p.get("user_id") ?? "",
  };
  const windowBar = h("div", { class: "segmented", role: "group", "aria-label": "Time window", id: "window" });
  const user = h("input", { id: "session-user", name: "user_id", value: state.user_id, placeholder: "any user" });
  const form = h(
    "form",
    { class: "toolbar", id: "session-filter" },
    h("div", { class: "field" }, h("span", {}, "Window"), windowBar),
    field("User", user),
    h("button", { type: "submit", class: "primary" }, "Show"),
  );
  const results = h("section", { class: "panel", id: "session-results" });
  fill(root, form, results);
  for (const w of WINDOWS)
    windowBar.append(
      h(
        "button",
        {
          type: "button",
          dataset: { window: w },
          onclick: () => {
            state.window = w;
            restart();
          },
        },
        w,
      ),
    );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.user_id = user.value.trim();
    restart();
  });

  // Pages visited: each page's cursor (null for the first) and the rank of its first row.
  let pages = [{ cursor: null, from: 0 }];
  const current = () => pages[pages.length - 1];
  function restart() {
    pages = [pages[0]];
    return ctx.track(load());
  }

  async function load() {
    for (const b of windowBar.children) b.classList.toggle("active", b.dataset.window === state.window);
    ctx.setParams(Object.fromEntries(Object.entries(state).filter(([, v]) => v)));
    fill(results, notice("Loading sessions…", "loading"));
    try {
      const r = await api(withQuery("sessions", { ...state, limit: PAGE, cursor: current().cursor }));
      if (!ctx.signal.aborted) show(r);
    } catch (e) {
      if (!ctx.signal.aborted) fill(results, notice(e.message, "error"));
    }
  }

  function show(r) {
    const sessions = r.sessions ?? [];
    if (sessions.length === 0)
      return fill(
        results,
        notice(
          current().cursor
            ? "No more sessions."
            : `No sessions in the last ${state.window}${state.user_id ? ` for user ${state.user_id}` : ""}. Spans join a session through their session_id.`,
        ),
      );
    const rows = sessions.map((s) =>
      linkRow(
        sessionHref(s.session_id),
        { sessionId: s.session_id },
        h("td", { class: "nowrap", title: dateTime(s.last_seen) }, shortTime(s.last_seen)),
        h("td", {}, h("a", { href: sessionHref(s.session_id) }, s.session_id)),
        h("td", {}, s.user_id ?? "–"),
        h("td", { class: "num" }, int(s.trace_count)),
        h("td", { class: "num" }, int(s.span_count)),
        h("td", { class: "num" }, usd(s.total_cost_usd)),
        h("td", { class: `num ${s.error_count ? "bad" : ""}`.trim() }, int(s.error_count)),
        h("td", { class: "num" }, score(s.quality_avg)),
        h("td", { class: "nowrap", title: dateTime(s.first_seen) }, shortTime(s.first_seen)),
      ),
    );
    const head = ["Last activity", "Session", "User", "Traces", "Spans", "Cost", "Errors", "Quality", "Started"];
    const numeric = new Set(["Traces", "Spans", "Cost", "Errors", "Quality"]);
    fill(
      results,
      dataTable(head, numeric, rows),
      cursorPager(pages, sessions.length, r.next_cursor, () => ctx.track(load())),
    );
  }

  await load();
}

export async function renderSession(root, ctx) {
  const back = h("a", { class: "back", href: "#/sessions" }, "← Sessions");
  fill(root, back, notice("Loading session…", "loading"));
  let s;
  try {
    s = await api(`sessions/${encodeURIComponent(ctx.id)}`);
  } catch (e) {
    if (!ctx.signal.aborted)
      fill(
        root,
        back,
        notice(
          e.status === 404 ? `No session ${ctx.id}: not recorded, or older than the retention window.` : e.message,
          "error",
        ),
      );
    return;
  }
  if (ctx.signal.aborted) return;
  const traces = s.traces ?? [];
  const turns = traces.map((t, i) => {
    const href = `#/traces/${encodeURIComponent(t.trace_id)}`;
    return h(
      "li",
      { class: `turn status-${t.status}`, dataset: { traceId: t.trace_id } },
      h("span", { class: "turn-no" }, String(i + 1)),
      h(
        "div",
        { class: "turn-body" },
        h(
          "div",
          { class: "turn-head" },
          h("a", { href }, t.name || "(unnamed)"),
          h("span", { class: `badge ${t.status}` }, t.status),
          h("span", { class: "muted", title: dateTime(t.started_at) }, dateTime(t.started_at)),
        ),
        h(
          "div",
          { class: "turn-facts" },
          h("span", {}, usd(t.cost_usd)),
          h("span", {}, ms(t.latency_ms)),
          scorePills(t.scores),
        ),
      ),
    );
  });
  fill(
    root,
    back,
    h(
      "section",
      { class: "panel trace-head" },
      h("h2", {}, "Session"),
      h("code", { class: "trace-id" }, s.session_id),
      h(
        "dl",
        { class: "facts" },
        [
          [
            "User",
            s.user_id
              ? h("a", { href: `#/sessions?user_id=${encodeURIComponent(s.user_id)}&window=30d` }, s.user_id)
              : "–",
          ],
          ["Started", dateTime(s.first_seen)],
          ["Last activity", dateTime(s.last_seen)],
          ["Traces", int(s.trace_count)],
          ["Spans", int(s.span_count)],
          ["Cost", usd(s.total_cost_usd)],
          ["Errors", int(s.error_count)],
          ["Quality", score(s.quality_avg)],
        ].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))),
      ),
    ),
    h(
      "section",
      { class: "panel", id: "session-traces" },
      h("h4", {}, `Conversation (${traces.length} ${traces.length === 1 ? "trace" : "traces"}, oldest first)`),
      turns.length ? h("ol", { class: "turns" }, turns) : notice("This session has no traces."),
    ),
  );
}
