import type { PagerDutyDelivery } from "../delivery-spec.js";
import type { Notification } from "../evaluate.js";
import { alertId, fingerprint, ruleLabels } from "../labels.js";

const OP_TEXT = {
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  eq: "==",
  ne: "!=",
  increase_pct: "up by more than",
  decrease_pct: "down by more than",
} as const;

/** "> 10", or for a baseline rule "up by more than 50% on its baseline (offset 7d)". */
function thresholdText(r: Notification["rule"]): string {
  if (r.baseline === undefined) return `${OP_TEXT[r.op]} ${r.threshold}`;
  const on = "offset" in r.baseline ? `offset ${r.baseline.offset}` : `avg_over ${r.baseline.avg_over}`;
  return `${OP_TEXT[r.op]} ${r.threshold}% on its baseline (${on})`;
}

/** "15" , or for a baseline rule "15 against 10 (+50%)". */
function readingText(n: Notification): string {
  if (n.baseline === undefined) return valueText(n.value);
  const pct = n.value === null ? "no change known" : `${n.value >= 0 ? "+" : ""}${valueText(n.value)}%`;
  return `${valueText(n.baseline.current)} against ${valueText(n.baseline.baseline)} (${pct})`;
}
// Alertmanager's "not ended yet" timestamp.
const ZERO_TIME = "0001-01-01T00:00:00Z";

const iso = (ms: number) => new Date(ms).toISOString();

function valueText(v: number | null): string {
  if (v === null) return "no value";
  return String(Number.isInteger(v) ? v : Number(v.toPrecision(6)));
}

function filterText(n: Notification): string {
  const parts = Object.entries(n.rule.filter).map(([k, v]) => `${k}=${v}`);
  return parts.length ? ` where ${parts.join(", ")}` : "";
}

/** The metric as a person reads it: `score_avg(helpfulness)` for a score rule. */
const metricText = (r: Notification["rule"]) => (r.score === undefined ? r.metric : `${r.metric}(${r.score})`);

/** What the value was computed from: spans, or the scores of a score rule. */
const countText = (n: Notification) => `${n.span_count} ${n.rule.score === undefined ? "spans" : "scores"}`;

/** " for user_id=u1": the group of a group-by rule's notification. */
function groupText(n: Notification): string {
  const parts = Object.entries(n.group ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length ? ` for ${parts.join(", ")}` : "";
}

const idOf = (n: Notification) => alertId(n.rule, n.starts_at, n.group, n.budget?.threshold);

const pctText = (f: number) => `${Number((f * 100).toPrecision(4))}%`;

/** "80% of the month's budget reached: 410 of 500 USD spent (2026-03, Europe/Berlin), 480 projected". */
function budgetText(n: Notification): string {
  const b = n.budget;
  const budget = n.rule.budget;
  if (b === undefined || budget === undefined) return "";
  const unit = n.rule.metric === "total_cost" ? " USD" : " tokens";
  const what = b.threshold >= 1 ? "budget used up" : `${pctText(b.threshold)} of the ${budget.period}'s budget reached`;
  return `${what}: ${valueText(b.spent)} of ${valueText(b.amount)}${unit} spent (${b.period_key}, ${budget.timezone}), ${valueText(Number(b.projected.toPrecision(6)))} projected`;
}

/** One line for humans: "cost-spike firing: total_cost 12.5 (threshold > 10) over 1h where model=gpt-4o for user_id=u1". */
export function summaryLine(n: Notification): string {
  const r = n.rule;
  if (n.notice !== undefined) return `${r.name}: ${n.notice}`;
  if (n.budget !== undefined) return `${r.name}: ${budgetText(n)}${filterText(n)}${groupText(n)}`;
  const cond = `${metricText(r)} ${readingText(n)} (threshold ${thresholdText(r)}) over ${r.window}${filterText(n)}${groupText(n)}`;
  return n.status === "firing" ? `${r.name} firing: ${cond}` : `${r.name} resolved: ${cond}`;
}

/** The `tokentrace` block every payload carries. */
function tokentraceBlock(n: Notification): Record<string, unknown> {
  return {
    id: idOf(n),
    rule: n.rule.name,
    status: n.status,
    metric: n.rule.metric,
    ...(n.rule.score === undefined ? {} : { score: n.rule.score }),
    value: n.value,
    op: n.rule.op,
    threshold: n.rule.threshold,
    window: n.rule.window,
    filter: n.rule.filter,
    ...(n.group !== undefined && { group: n.group }),
    ...(n.baseline !== undefined && { baseline: { ...n.baseline, ...n.rule.baseline } }),
    ...(n.budget !== undefined && {
      budget: {
        ...n.budget,
        resets_at: iso(n.budget.resets_at),
        period: n.rule.budget?.period,
        timezone: n.rule.budget?.timezone,
      },
    }),
    span_count: n.span_count,
    fired_at: iso(n.starts_at),
    resolved_at: n.ends_at === null ? null : iso(n.ends_at),
    notified_at: iso(n.at),
  };
}

/**
 * The `http` delivery body: the fields of Alertmanager's webhook (version 4), so tools that
 * read Alertmanager webhooks read ours, plus the `tokentrace` block.
 */
export function webhookPayload(n: Notification): Record<string, unknown> {
  const labels = ruleLabels(n.rule, n.group);
  const annotations = {
    summary: summaryLine(n),
    description: `${metricText(n.rule)} is ${readingText(n)} over the last ${n.rule.window}${groupText(n)} (${countText(n)}); the rule fires when it is ${thresholdText(n.rule)}.`,
  };
  return {
    version: "4",
    groupKey: `{}:{alertname=${JSON.stringify(n.rule.name)}}`,
    truncatedAlerts: 0,
    status: n.status,
    receiver: n.rule.name,
    groupLabels: { alertname: n.rule.name },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: "",
    alerts: [
      {
        status: n.status,
        labels,
        annotations,
        startsAt: iso(n.starts_at),
        endsAt: n.ends_at === null ? ZERO_TIME : iso(n.ends_at),
        generatorURL: "",
        fingerprint: fingerprint(n.rule, n.group),
        id: idOf(n),
      },
    ],
    tokentrace: tokentraceBlock(n),
  };
}

/** Slack incoming webhook: `text` for notifications and old clients, `blocks` for the message. */
export function slackPayload(n: Notification): Record<string, unknown> {
  const icon = n.status === "firing" ? ":rotating_light:" : ":white_check_mark:";
  const text = `${icon} ${summaryLine(n)}`;
  const fields = [
    ["Metric", `\`${metricText(n.rule)}\``],
    ["Value", valueText(n.value)],
    ["Threshold", thresholdText(n.rule)],
    ["Window", n.rule.window],
    ...Object.entries(n.group ?? {}).map(([k, v]) => [k, v]),
  ].map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${v}` }));
  return {
    text,
    blocks: [
      {
        type: "header",
        text: {
          type: "plain_text",
          text: `${n.status === "firing" ? "Firing" : "Resolved"}: ${n.rule.name}`.slice(0, 150),
        },
      },
      { type: "section", text: { type: "mrkdwn", text }, fields },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `tokentrace · id ${idOf(n)} · since ${iso(n.starts_at)} · ${countText(n)}${filterText(n)}`,
          },
        ],
      },
    ],
  };
}

/** PagerDuty Events API v2: trigger while firing, resolve at the end; dedup_key = the episode's alertId. */
export function pagerDutyPayload(n: Notification, d: PagerDutyDelivery): Record<string, unknown> {
  const dedup_key = idOf(n);
  if (n.status === "resolved") return { routing_key: d.routing_key, event_action: "resolve", dedup_key };
  return {
    routing_key: d.routing_key,
    event_action: "trigger",
    dedup_key,
    client: "tokentrace",
    payload: {
      summary: summaryLine(n).slice(0, 1024),
      source: n.rule.filter.caller ?? n.rule.filter.model ?? "tokentrace",
      severity: d.severity ?? "error",
      timestamp: iso(n.at),
      component: n.rule.filter.model ?? undefined,
      group: n.rule.filter.caller ?? undefined,
      class: n.rule.metric,
      custom_details: tokentraceBlock(n),
    },
  };
}
