// The form that creates an alert rule through POST /alerts.
import { api } from "./api.js";
import { field, h, select } from "./dom.js";
import { parseAttrFilter } from "./traces.js";

export const SCALAR_METRICS = [
  "total_cost",
  "cost_per_call",
  "span_count",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "latency_p50",
  "latency_p95",
  "latency_p99",
  "latency_avg",
  "ttft_p95",
  "error_rate",
  "error_count",
  "timeout_rate",
  "quality_avg",
  "quality_p10",
];
const OPS = [
  ["gt", "> greater than"],
  ["gte", "≥ at least"],
  ["lt", "< less than"],
  ["lte", "≤ at most"],
  ["eq", "= equal to"],
  ["ne", "≠ not equal to"],
];
const DELIVERY = [
  ["log", "Log (server output)"],
  ["http", "HTTP webhook"],
  ["slack", "Slack"],
  ["pagerduty", "PagerDuty"],
];
const UNIT_HINT = {
  cost: "USD, e.g. 10 for $10",
  latency: "milliseconds",
  ttft: "milliseconds",
  rate: "a fraction: 0.05 = 5%",
  quality: "score, e.g. 0.7",
};

/** Builds the POST /alerts body from the form's values; empty optional fields are left out. */
export function ruleBody(v) {
  const body = {
    name: v.name.trim(),
    metric: v.metric,
    op: v.op,
    threshold: Number(v.threshold),
    window: v.window.trim(),
  };
  if (v.cooldown.trim()) body.cooldown = v.cooldown.trim();
  if (v.min_spans !== "") body.min_spans = Number(v.min_spans);
  const filter = {};
  for (const k of ["model", "caller", "provider", "status", "user_id"]) if (v[k]?.trim()) filter[k] = v[k].trim();
  Object.assign(filter, parseAttrFilter(v.attrs ?? "").attrs);
  if (Object.keys(filter).length) body.filter = filter;
  if (v.group_by?.trim()) body.group_by = [v.group_by.trim()];
  if (v.delivery === "pagerduty") body.delivery = { type: "pagerduty", routing_key: v.target.trim() };
  else if (v.delivery !== "log") body.delivery = { type: v.delivery, url: v.target.trim() };
  else body.delivery = { type: "log" };
  return body;
}

export function alertForm(onCreated, track) {
  const inp = (name, props = {}) => h("input", { name, ...props });
  const metric = select(SCALAR_METRICS, "total_cost", { name: "metric" });
  const hint = h("small", { class: "hint" });
  const showHint = () => {
    const key = Object.keys(UNIT_HINT).find((k) => metric.value.includes(k));
    hint.textContent = key ? UNIT_HINT[key] : "a count";
  };
  metric.addEventListener("change", showHint);
  showHint();
  const delivery = select(DELIVERY, "log", { name: "delivery" });
  const target = inp("target", { placeholder: "https://hooks.example.com/alerts" });
  const targetField = field("Webhook URL", target, "wide");
  const showTarget = () => {
    targetField.hidden = delivery.value === "log";
    targetField.querySelector("span").textContent = delivery.value === "pagerduty" ? "Routing key" : "Webhook URL";
    target.required = delivery.value !== "log";
  };
  delivery.addEventListener("change", showTarget);
  showTarget();
  const message = h("p", { class: "form-message", role: "status" });
  const form = h(
    "form",
    { class: "panel rule-form", id: "alert-form" },
    h("header", {}, h("h3", {}, "New rule")),
    h(
      "div",
      { class: "grid" },
      field("Name", inp("name", { required: true, placeholder: "hourly-cost-spike", pattern: "[A-Za-z0-9_.:\\-]+" })),
      field("Metric", metric),
      field("Condition", select(OPS, "gt", { name: "op" })),
      field(
        "Threshold",
        h("span", { class: "stack" }, inp("threshold", { type: "number", step: "any", required: true }), hint),
      ),
      field("Window", inp("window", { value: "1h", required: true, placeholder: "1h, 30m, 24h" })),
      field("Cooldown", inp("cooldown", { placeholder: "same as window" })),
      field("Min. calls", inp("min_spans", { type: "number", min: "1", step: "1", placeholder: "1" })),
      field(
        "One alert per",
        select(
          [
            ["", "nothing (one alert)"],
            ["user_id", "user"],
            ["model", "model"],
            ["caller", "caller"],
            ["provider", "provider"],
          ],
          "",
          { name: "group_by" },
        ),
      ),
      field("Model", inp("model", { placeholder: "any" })),
      field("Caller", inp("caller", { placeholder: "any" })),
      field("Provider", inp("provider", { placeholder: "any" })),
      field("Status", select([["", "any"], "ok", "error", "timeout"], "", { name: "status" })),
      field("User", inp("user_id", { placeholder: "any" })),
      field("Attributes", inp("attrs", { placeholder: "attr.workflow=rag-answer" })),
      field("Deliver to", delivery),
      targetField,
    ),
    message,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create rule")),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    track(create());
  });
  async function create() {
    const values = Object.fromEntries(new FormData(form).entries());
    const body = ruleBody(values);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    message.className = "form-message";
    message.textContent = "Creating…";
    try {
      await api("alerts", { method: "POST", body });
      message.classList.add("ok");
      message.textContent = `Rule "${body.name}" created.`;
      form.reset();
      showHint();
      showTarget();
      await onCreated();
    } catch (e) {
      message.classList.add("error");
      message.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  }
  return form;
}
