// A span's prompts and completions (GET /traces/{id}?content=1) as a conversation: system
// instructions, each message with its role, tool calls and results, the output with its
// finish reason. Text goes in as text nodes only (h()), never as HTML.
import { h, notice } from "./dom.js";

const MARKER = /…\[truncated \d+ (?:bytes|chars)\]$/;

function pretty(v) {
  if (typeof v === "string") return v;
  return JSON.stringify(v, null, 2);
}

/** Text with a truncation marker shown apart, so a cut is visible at a glance. */
function textBlock(text, cls = "msg-text") {
  const m = MARKER.exec(text);
  if (m === null) return h("div", { class: cls }, text);
  return h("div", { class: cls }, text.slice(0, m.index), h("span", { class: "truncated" }, m[0]));
}

function part(p) {
  if (p === null || typeof p !== "object") return textBlock(String(p));
  if (p.type === "text") return textBlock(String(p.content ?? ""));
  if (p.type === "tool_call")
    return h(
      "div",
      { class: "tool-call" },
      h("span", { class: "tool-label" }, "calls ", h("code", {}, p.name || "?"), p.id ? ` (${p.id})` : ""),
      textBlock(pretty(p.arguments ?? null), "msg-code"),
    );
  if (p.type === "tool_call_response")
    return h(
      "div",
      { class: "tool-result" },
      h("span", { class: "tool-label" }, "result", p.id ? ` of ${p.id}` : ""),
      textBlock(pretty(p.response ?? null), "msg-code"),
    );
  return h("div", { class: "msg-other" }, `[${p.type}]`);
}

function message(m, kind) {
  const role = String(m.role ?? "?");
  return h(
    "div",
    { class: `msg role-${role.replace(/[^a-z_]/gi, "")} ${kind}`, dataset: { role } },
    h(
      "div",
      { class: "msg-head" },
      h("span", { class: "role" }, role),
      m.finish_reason ? h("span", { class: "finish" }, `finish: ${m.finish_reason}`) : null,
    ),
    (m.parts ?? []).map(part),
  );
}

/** The conversation of one span's content; null content gives a notice. */
export function conversation(content) {
  if (!content) return notice("No prompts or completions recorded for this span.");
  const items = [];
  if (content.system?.length) items.push(message({ role: "system", parts: content.system }, "instructions"));
  for (const m of content.input ?? []) items.push(message(m, "input"));
  for (const m of content.output ?? []) items.push(message(m, "output"));
  const notes = [];
  if (content.redactions > 0) notes.push(`${content.redactions} redacted`);
  if (content.truncated_bytes > 0) notes.push(`${content.truncated_bytes} bytes truncated`);
  if (content.tools?.length) notes.push(`${content.tools.length} tools offered`);
  return h(
    "div",
    { class: "conversation", id: "conversation" },
    notes.length ? h("p", { class: "conv-notes" }, notes.join(" · ")) : null,
    items,
  );
}
