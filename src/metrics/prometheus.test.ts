import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Score } from "../score/types.js";
import type { Span } from "../span/types.js";
import { exposeSpans } from "../store/memory/summarize.js";
import { makeSpan } from "../store/testing/conformance-summarize.js";
import {
  Exposition,
  escapeLabel,
  LATENCY_BUCKETS_MS,
  QUALITY_BUCKETS,
  renderProcessMetrics,
  renderSpanMetrics,
} from "./prometheus.js";
import { ScoreHistogram } from "./score-histogram.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PROMTOOL = process.env.PROMTOOL ?? `${REPO}.bin/prometheus/usr/bin/promtool`;

/** A realistic mix: several models, providers, callers (some nasty), errors, scores, tails. */
function dataset(): Span[] {
  const callers = ["summarizer-service", 'say "hi"', "back\\slash", "multi\nline", "", "ünï-cødé"];
  const models = [
    ["gpt-4o", "openai"],
    ["gpt-4o-mini", "openai"],
    ["claude-sonnet-4-5", "anthropic"],
    ["my-finetune", null],
  ] as const;
  const spans: Span[] = [];
  for (let i = 0; i < 2000; i++) {
    const [model, provider] = models[i % models.length];
    spans.push(
      makeSpan({
        model,
        provider,
        caller: i % 7 === 0 ? null : callers[i % callers.length],
        prompt_tokens: 100 + (i % 50),
        comp_tokens: 20 + (i % 9),
        cost_usd: provider === null ? null : 0.000123 * ((i % 5) + 1),
        latency_ms: i % 97 === 0 ? 70_000 : 40 + ((i * 37) % 3000),
        status: i % 31 === 0 ? "error" : i % 53 === 0 ? "timeout" : "ok",
        eval_score: i % 3 === 0 ? (i % 11) / 10 : null,
      }),
    );
  }
  return spans;
}

/** Scores of several names (ratings, fractions, thumbs, labels, negatives); past 4 names they fold into "(other)". */
function scoreDataset(): Score[] {
  const names = ["helpfulness", "user.thumbs:v2", "rating-1to5", "toxicity", "late_a", "late_b"];
  return Array.from({ length: 600 }, (_, i): Score => {
    const name = names[i % names.length];
    const value =
      name === "user.thumbs:v2"
        ? i % 4 === 0
        : name === "rating-1to5"
          ? 1 + (i % 5)
          : name === "toxicity" && i % 7 === 0
            ? null
            : ((i * 13) % 23) / 10 - 0.3;
    return {
      score_id: `s${i}`,
      trace_id: "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c",
      span_id: null,
      name,
      value,
      label: value === null ? "off-topic" : null,
      comment: null,
      source: "api",
      created_at: 0,
    };
  });
}

function render(spans: Span[], scores: Score[] = scoreDataset()): string {
  const out = new Exposition();
  renderSpanMetrics(out, exposeSpans(spans, { latencyBucketsMs: LATENCY_BUCKETS_MS, qualityBuckets: QUALITY_BUCKETS }));
  const h = new ScoreHistogram(4);
  h.observe(scores);
  h.render(out);
  renderProcessMetrics(out, Date.UTC(2026, 2, 15));
  return out.text();
}

test("label values escape backslash, quote and newline", () => {
  assert.equal(escapeLabel('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
});

test("promtool check metrics parses the exposition of a realistic data set", (t) => {
  if (!existsSync(PROMTOOL)) {
    t.skip(`promtool not found at ${PROMTOOL} (run scripts/install-promtool.sh or set PROMTOOL)`);
    return;
  }
  const text = render(dataset());
  assert.match(text, /caller="say \\"hi\\""/);
  assert.match(text, /caller="multi\\nline"/);
  assert.match(text, /caller="back\\\\slash"/);
  assert.match(text, /^tokentrace_score_bucket\{name="user.thumbs:v2",le="0"\} \d+$/m);
  assert.match(text, /^tokentrace_score_count\{name="\(other\)"\} 200$/m);
  const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
  const report = `${r.stdout}${r.stderr}`;
  // Exit 1 is a parse error; 3 is lint findings, of which only the accepted `_ms` unit note may appear.
  assert.notEqual(r.status, 1, report);
  const findings = report.split("\n").filter((l) => l.trim() !== "");
  for (const line of findings)
    assert.match(line, /tokentrace_latency_ms.*(base units|unit)/, `unexpected promtool finding: ${line}`);
  // And it does catch a broken exposition, so a pass means something.
  const broken = spawnSync(PROMTOOL, ["check", "metrics"], { input: 'x{a="unterminated} 1\n', encoding: "utf8" });
  assert.equal(broken.status, 1);
});

test("histograms: buckets in increasing le order, cumulative, +Inf last and equal to _count", () => {
  const text = render(dataset());
  for (const name of ["tokentrace_latency_ms", "tokentrace_quality_score", "tokentrace_score"]) {
    const series = new Map<string, { les: string[]; counts: number[] }>();
    const counts = new Map<string, number>();
    for (const line of text.split("\n")) {
      const m = new RegExp(`^${name}_(bucket|count)\\{(.*?)(?:,le="([^"]+)")?\\} (\\S+)$`).exec(line);
      if (!m) continue;
      const key = m[2];
      if (m[1] === "count") {
        counts.set(key, Number(m[4]));
        continue;
      }
      const s = series.get(key) ?? { les: [], counts: [] };
      s.les.push(m[3]);
      s.counts.push(Number(m[4]));
      series.set(key, s);
    }
    assert.ok(series.size >= 5, `${name}: several label sets`);
    for (const [key, s] of series) {
      assert.equal(s.les.at(-1), "+Inf", `${name}{${key}} ends with +Inf`);
      const bounds = s.les.slice(0, -1).map(Number);
      assert.deepEqual(
        bounds,
        [...bounds].sort((a, b) => a - b),
        "increasing le",
      );
      for (let i = 1; i < s.counts.length; i++) assert.ok(s.counts[i] >= s.counts[i - 1], "cumulative");
      assert.equal(s.counts.at(-1), counts.get(key), `${name}{${key}}: +Inf equals _count`);
    }
  }
});

test("every family has HELP then TYPE before its samples; only bounded labels", () => {
  const text = render(dataset());
  const lines = text.split("\n");
  for (const [name, type] of [
    ["tokentrace_spans_total", "counter"],
    ["tokentrace_cost_total", "counter"],
    ["tokentrace_tokens_total", "counter"],
    ["tokentrace_errors_total", "counter"],
    ["tokentrace_latency_ms", "histogram"],
    ["tokentrace_quality_score", "histogram"],
    ["tokentrace_score", "histogram"],
    ["process_resident_memory_bytes", "gauge"],
    ["process_cpu_seconds_total", "counter"],
    ["process_start_time_seconds", "gauge"],
  ]) {
    const help = lines.indexOf(lines.find((l) => l.startsWith(`# HELP ${name} `)) ?? "");
    assert.ok(help >= 0, `HELP ${name}`);
    assert.equal(lines[help + 1], `# TYPE ${name} ${type}`);
    assert.ok(lines[help + 2].startsWith(name), `${name}: samples follow`);
  }
  for (const line of lines.filter((l) => l.startsWith("tokentrace_"))) {
    const names = [...line.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/([a-z_]+)=""/g)].map((m) => m[1]);
    for (const n of names)
      assert.ok(["model", "provider", "caller", "type", "le", "name"].includes(n), `label ${n} in ${line}`);
  }
  assert.match(
    text,
    /^tokentrace_tokens_total\{model="gpt-4o",provider="openai",caller="summarizer-service",type="prompt"\} \d+$/m,
  );
});

test("counter values: hand-computed on a small set", () => {
  const spans = [
    makeSpan({ cost_usd: 0.1, latency_ms: 80, prompt_tokens: 3, comp_tokens: 4, eval_score: 0.85 }),
    makeSpan({ cost_usd: 0.2, latency_ms: 120, status: "error", prompt_tokens: 5, comp_tokens: 6 }),
  ];
  const text = render(spans);
  const labels = 'model="gpt-4o",provider="openai",caller="svc-a"';
  for (const expected of [
    `tokentrace_spans_total{${labels}} 2`,
    `tokentrace_cost_total{${labels}} 0.3`,
    `tokentrace_tokens_total{${labels},type="prompt"} 8`,
    `tokentrace_tokens_total{${labels},type="completion"} 10`,
    `tokentrace_errors_total{${labels}} 1`,
    `tokentrace_latency_ms_bucket{${labels},le="50"} 0`,
    `tokentrace_latency_ms_bucket{${labels},le="100"} 1`,
    `tokentrace_latency_ms_bucket{${labels},le="250"} 2`,
    `tokentrace_latency_ms_bucket{${labels},le="+Inf"} 2`,
    `tokentrace_latency_ms_sum{${labels}} 200`,
    `tokentrace_latency_ms_count{${labels}} 2`,
    `tokentrace_quality_score_bucket{${labels},le="0.8"} 0`,
    `tokentrace_quality_score_bucket{${labels},le="0.9"} 1`,
    `tokentrace_quality_score_count{${labels}} 1`,
  ]) {
    assert.ok(text.split("\n").includes(expected), `missing: ${expected}`);
  }
});
