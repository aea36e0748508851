// Alerts: every rule's state, current value and last delivery; silence, delete, create.

import { alertForm } from "./alert-form.js";
import { api, canEdit } from "./api.js";
import { fill, h, notice, select } from "./dom.js";
import { dateTime, metricValue, relative } from "./format.js";

const OPS = { gt: ">", gte: "≥", lt: "<", lte: "≤", eq: "=", ne: "≠" };
const SILENCE = ["15m", "1h", "2h", "6h", "24h", "7d"];

/** The evaluation state (ok, firing, insufficient_data) and whether a silence is in force, by the server's clock. */
export function ruleState(r) {
  return { state: r.state ?? (r.firing ? "firing" : "ok"), silenced: r.silenced === true };
}

function delivery(d) {
  if (!d) return "none yet";
  if (typeof d !== "object") return String(d);
  const status = d.status ?? (d.ok === true ? "ok" : d.ok === false ? "failed" : "");
  const when = d.at ?? d.attempted_at ?? d.time;
  const parts = [
    d.notification === "resolved" ? `resolved notice ${status}` : status,
    d.http_status ? `HTTP ${d.http_status}` : "",
    d.attempts > 1 ? `${d.attempts} attempts` : "",
    when ? relative(when) : "",
  ].filter(Boolean);
  return h(
    "span",
    { class: d.error ? "bad" : "" },
    parts.join(" · ") || "–",
    d.error ? h("small", { class: "err-detail" }, ` ${d.error}`) : null,
  );
}

function filterText(f) {
  const e = Object.entries(f ?? {});
  return e.length ? ` where ${e.map(([k, v]) => `${k}=${v}`).join(", ")}` : "";
}

/**
 * A group-by rule's firing and silenced groups, each with a button that silences (for the
 * card's chosen duration) or unsilences that group alone.
 */
function groupList(r, duration, act) {
  const g = r.groups;
  if (!g) return null;
  const label = (group) =>
    Object.entries(group)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
  const silenced = new Map((g.silenced ?? []).map((s) => [label(s.group), s.silenced_until]));
  const base = `alerts/${encodeURIComponent(r.name)}/silence`;
  const rows = (g.firing ?? []).map((f) => {
    const name = label(f.group);
    const until = silenced.get(name);
    silenced.delete(name);
    return groupRow(name, f, until, base, f.group, duration, act, r.metric);
  });
  for (const s of g.silenced ?? []) {
    const name = label(s.group);
    if (silenced.has(name)) rows.push(groupRow(name, null, s.silenced_until, base, s.group, duration, act, r.metric));
  }
  const note = g.too_many_groups ? ` · too many groups: ${g.groups_total} matched, ${r.max_groups} tracked` : "";
  return h(
    "div",
    { class: "groups" },
    h("h4", {}, `Groups by ${r.group_by.join(", ")}: ${(g.firing ?? []).length} firing${note}`),
    rows.length ? h("ul", { class: "group-list" }, rows) : null,
  );
}

function groupRow(name, firing, until, base, group, duration, act, metric) {
  const query = new URLSearchParams(group).toString();
  return h(
    "li",
    { dataset: { group: name } },
    h("code", {}, name),
    firing ? h("span", { class: "badge firing" }, "firing") : null,
    until ? h("span", { class: "badge silenced", title: dateTime(until) }, "silenced") : null,
    firing
      ? h("span", {}, `${metricValue(metric, firing.current_value)} since ${relative(firing.firing_since)}`)
      : null,
    until
      ? h(
          "button",
          {
            type: "button",
            class: "unsilence-group",
            onclick: () => act(() => api(`${base}?${query}`, { method: "DELETE" })),
          },
          "Unsilence",
        )
      : h(
          "button",
          {
            type: "button",
            class: "silence-group",
            onclick: () => act(() => api(base, { method: "POST", body: { duration: duration.value, group } })),
          },
          "Silence group",
        ),
  );
}

/** One rule's card. `track` marks the page busy for the whole action (request and reload). */
function ruleCard(r, reload, track) {
  const { state, silenced } = ruleState(r);
  const duration = select(SILENCE, "1h", { "aria-label": `Silence ${r.name} for` });
  const err = h("p", { class: "error", hidden: true });
  const fail = (e) => {
    err.hidden = false;
    err.textContent = e.message;
  };
  const silence = h(
    "button",
    {
      type: "button",
      class: "silence",
      onclick: () => track(doSilence()),
    },
    "Silence",
  );
  async function doSilence() {
    silence.disabled = true;
    try {
      await api(`alerts/${encodeURIComponent(r.name)}/silence`, {
        method: "POST",
        body: { duration: duration.value },
      });
      await reload();
    } catch (e) {
      silence.disabled = false;
      fail(e);
    }
  }
  const unsilence = h(
    "button",
    { type: "button", class: "unsilence", hidden: !silenced, onclick: () => track(doUnsilence()) },
    "Unsilence",
  );
  async function doUnsilence() {
    unsilence.disabled = true;
    try {
      await api(`alerts/${encodeURIComponent(r.name)}/silence`, { method: "DELETE" });
      await reload();
    } catch (e) {
      unsilence.disabled = false;
      fail(e);
    }
  }
  const readOnly = r.source && r.source !== "api";
  let armed = false;
  const del = h(
    "button",
    {
      type: "button",
      class: "danger delete",
      disabled: readOnly,
      title: readOnly ? `Defined in ${r.source}; edit it there.` : "Delete this rule",
      onclick: () => track(doDelete()),
    },
    "Delete",
  );
  async function doDelete() {
    if (!armed) {
      armed = true;
      del.textContent = "Really delete?";
      return;
    }
    del.disabled = true;
    try {
      await api(`alerts/${encodeURIComponent(r.name)}`, { method: "DELETE" });
      await reload();
    } catch (e) {
      del.disabled = false;
      fail(e);
    }
  }
  const facts = [
    [
      "Current value",
      r.current_value === null || r.current_value === undefined ? "–" : metricValue(r.metric, r.current_value),
    ],
    ["Last evaluated", r.last_evaluated ? relative(r.last_evaluated) : "never"],
    ["Last fired", r.last_fired ? dateTime(r.last_fired) : "never"],
    ["Last delivery", delivery(r.last_delivery)],
    ["Source", r.source ?? "–"],
  ];
  if (silenced) facts.splice(1, 0, ["Silenced until", r.silenced_until ? dateTime(r.silenced_until) : "–"]);
  return h(
    "article",
    { class: `panel rule ${state}`, dataset: { rule: r.name, state, silenced: String(silenced) } },
    h(
      "header",
      {},
      h("h3", {}, r.name),
      h("span", { class: `badge ${state}` }, state.replaceAll("_", " ")),
      silenced ? h("span", { class: "badge silenced" }, "silenced") : null,
    ),
    h(
      "p",
      { class: "condition" },
      h("code", {}, `${r.metric} ${OPS[r.op] ?? r.op} ${metricValue(r.metric, r.threshold)}`),
      ` over ${r.window}${filterText(r.filter)}${r.group_by ? `, per ${r.group_by.join(", ")}` : ""}`,
    ),
    groupList(r, duration, (call) =>
      track(
        (async () => {
          try {
            await call();
            await reload();
          } catch (e) {
            fail(e);
          }
        })(),
      ),
    ),
    h(
      "dl",
      { class: "facts" },
      facts.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))),
    ),
    err,
    h("div", { class: "actions" }, duration, silence, unsilence, del),
  );
}

const READ_ONLY_NOTE =
  "This token can read but not change alert rules: creating, silencing and deleting them needs an admin token.";

/** With a token that cannot change rules, every editing control is disabled and says why. */
function lockEditing(root, note) {
  const locked = !canEdit();
  note.hidden = !locked;
  root.dataset.readonly = String(locked);
  if (!locked) return;
  for (const el of root.querySelectorAll(
    ".rule .actions button, .rule .actions select, .rule .groups button, #alert-form :is(input, select, button)",
  )) {
    el.disabled = true;
    el.title = READ_ONLY_NOTE;
  }
}

export async function renderAlerts(root, ctx) {
  const list = h("div", { class: "rules", id: "rules" }, notice("Loading rules…", "loading"));
  const note = h("p", { class: "notice readonly-note", id: "alerts-readonly", hidden: true }, READ_ONLY_NOTE);
  async function reload() {
    try {
      const rules = await api("alerts");
      if (ctx.signal.aborted) return;
      const items = Array.isArray(rules) ? rules : (rules?.rules ?? []);
      // What needs attention first: firing, then the rest in the server's order.
      items.sort((a, b) => Number(ruleState(b).state === "firing") - Number(ruleState(a).state === "firing"));
      fill(
        list,
        items.length
          ? items.map((r) => ruleCard(r, reload, ctx.track))
          : notice("No alert rules yet. Create one below, or add them to tokentrace.yml."),
      );
    } catch (e) {
      if (!ctx.signal.aborted) fill(list, notice(e.message, "error"));
    }
    lockEditing(root, note);
  }
  fill(root, h("h2", { class: "view-title" }, "Alert rules"), note, list, alertForm(reload, ctx.track));
  const timer = setInterval(() => document.visibilityState === "visible" && ctx.track(reload()), 30_000);
  ctx.onCleanup(() => clearInterval(timer));
  await reload();
}
