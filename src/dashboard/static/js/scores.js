// Scores (POST /scores) as the trace and session views show them: a value or a label, who
// gave it (source), and on which span.
import { dataTable, h } from "./dom.js";
import { dateTime } from "./format.js";

/** A score's value as text: 👍/👎 for booleans, the number as sent, or its label. */
export function scoreText(s) {
  if (typeof s.value === "boolean") return s.value ? "👍 true" : "👎 false";
  if (typeof s.value === "number") return String(Number(s.value.toPrecision(6)));
  return s.label ?? "–";
}

/** How a score reads at a glance: good (true, ≥ 0.5 on a 0–1 scale), bad, or neutral (labels, other scales). */
function tone(s) {
  if (typeof s.value === "boolean") return s.value ? "good" : "bad";
  if (typeof s.value === "number" && s.value >= 0 && s.value <= 1) return s.value >= 0.5 ? "good" : "bad";
  return "neutral";
}

/** Small pills, one per score: "helpfulness 0.9". */
export function scorePills(scores) {
  if (!scores?.length) return h("span", { class: "muted" }, "–");
  return h(
    "span",
    { class: "score-pills" },
    scores.map((s) =>
      h(
        "span",
        { class: `score-pill ${tone(s)}`, title: scoreTitle(s), dataset: { score: s.name } },
        `${s.name} ${scoreText(s)}`,
      ),
    ),
  );
}

function scoreTitle(s) {
  return [`${s.name}: ${scoreText(s)}`, `source: ${s.source}`, s.comment ? `“${s.comment}”` : null]
    .filter(Boolean)
    .join("\n");
}

/**
 * The scores table of a trace: name, value, source, span (a button that selects it in the
 * waterfall when `onSpan` is given), comment and time, oldest first as the API sends them.
 */
export function scoreTable(scores, spanName, onSpan) {
  if (!scores?.length) return h("p", { class: "muted", id: "trace-scores" }, "No scores yet.");
  return dataTable(
    ["Name", "Value", "Source", "On", "Comment", "Given"],
    new Set(),
    scores.map((s) =>
      h(
        "tr",
        { dataset: { scoreId: s.score_id } },
        h("td", {}, s.name),
        h("td", {}, h("span", { class: `score-pill ${tone(s)}` }, scoreText(s))),
        h("td", {}, s.source),
        h(
          "td",
          {},
          s.span_id
            ? onSpan
              ? h("button", { type: "button", class: "linkish", onclick: () => onSpan(s.span_id) }, spanName(s.span_id))
              : spanName(s.span_id)
            : "the trace",
        ),
        h("td", { class: "comment" }, s.comment ?? ""),
        h("td", { class: "nowrap" }, dateTime(s.created_at)),
      ),
    ),
    { id: "trace-scores" },
  );
}
