// The overview's "Top users" panel: who spent the most in the window (GET /users).
import { api, withQuery } from "./api.js";
import { dataTable, fill, h, notice } from "./dom.js";
import { dateTime, int, pct, score, shortTime, usd } from "./format.js";

const TOP = 10;

/** Fills `panel` with the window's top users by cost; each opens that user's sessions. */
export async function loadTopUsers(panel, window, stale) {
  let r;
  try {
    r = await api(withQuery("users", { window, sort: "cost", limit: TOP }));
  } catch (e) {
    if (!stale()) fill(panel, h("h4", {}, "Top users"), notice(e.message, "error"));
    return;
  }
  if (stale()) return;
  const users = r.users ?? [];
  const head = ["User", "Cost", "Calls", "Sessions", "Tokens", "Error rate", "Quality", "Last seen"];
  fill(
    panel,
    h("h4", {}, `Top users by cost, last ${window}`),
    users.length === 0
      ? notice("No calls named a user in this window (spans carry one in user_id).")
      : dataTable(
          head,
          new Set(head.slice(1, 7)),
          users.map((u) => {
            const href = withQuery("#/sessions", { user_id: u.user_id, window });
            return h(
              "tr",
              { dataset: { userId: u.user_id } },
              h("td", {}, h("a", { href }, u.user_id)),
              h("td", { class: "num" }, usd(u.total_cost_usd)),
              h("td", { class: "num" }, int(u.span_count)),
              h("td", { class: "num" }, int(u.session_count)),
              h("td", { class: "num" }, int(u.total_tokens)),
              h("td", { class: "num" }, pct(u.error_rate)),
              h("td", { class: "num" }, score(u.quality_avg)),
              h("td", { class: "nowrap", title: dateTime(u.last_seen) }, shortTime(u.last_seen)),
            );
          }),
          { id: "top-users-table" },
        ),
  );
}
