// grafana/tokentrace.json against a real Prometheus scraping a real `tokentrace serve`:
// every PromQL expression of the dashboard (panels and template variables) returns data.
// grafana/alerts.yml passes `promtool check rules` and its unit tests (`promtool test rules`).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PROMTOOL, type PrometheusProcess, startPrometheus } from "./helpers/prometheus.js";
import { makeTempDir, REPO_ROOT, removeDir, type ServeProcess, startServe } from "./helpers/server.js";

interface Target {
  expr: string;
}
interface Panel {
  title: string;
  type: string;
  targets?: Target[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, "grafana/tokentrace.json"), "utf8")) as Dashboard;
const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"];
const CALLERS = ["checkout", "search"];

/** What Grafana substitutes with "All" selected and a short range (the test runs for seconds). */
function expand(expr: string): string {
  return expr
    .replaceAll("$__rate_interval", "20s")
    .replaceAll("$__range", "1m")
    .replaceAll("$model", ".*")
    .replaceAll("$caller", ".*");
}

let batch = 0;
/** One batch per model × caller: varied latency, some errors, eval scores on every call. */
function spans(): Record<string, unknown>[] {
  batch++;
  const out: Record<string, unknown>[] = [];
  for (const [m, model] of MODELS.entries()) {
    for (const caller of CALLERS) {
      out.push({
        model,
        caller,
        provider: model.startsWith("claude") ? "anthropic" : "openai",
        prompt_tokens: 300 + batch,
        comp_tokens: 40 + m,
        cost_usd: 0.001 * (m + 1),
        latency_ms: 80 + ((batch * 373 + m * 911) % 6000),
        status: batch % 4 === m ? "error" : "ok",
        attributes: { "eval.score": ((batch + m) % 10) / 10 },
      });
    }
  }
  return out;
}

describe("Grafana dashboard against a real Prometheus", () => {
  let dir: string;
  let server: ServeProcess;
  let prom: PrometheusProcess;
  let feeding: NodeJS.Timeout | undefined;

  before(async () => {
    dir = await makeTempDir();
    server = await startServe({ args: ["--storage-driver", "memory"], cwd: dir });
    const post = async () => {
      const res = await fetch(`${server.url}/spans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(spans()),
      });
      assert.equal(res.status, 202, await res.text());
    };
    await post();
    // Traffic keeps arriving between scrapes, so every rate() has an increase to see.
    feeding = setInterval(() => void post().catch(() => {}), 400);
    prom = await startPrometheus({ target: new URL(server.url).host, dir });
    // Wait for enough scrapes to fill the 20s rate windows with several samples.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await prom.query('count_over_time(up{job="tokentrace"}[1m])');
      const up = await prom.query('up{job="tokentrace"}');
      if (rows.length > 0 && Number(rows[0].value[1]) >= 8 && up[0]?.value[1] === "1") break;
      assert.ok(Date.now() < deadline, "Prometheus did not scrape tokentrace 8 times within 60 s");
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async () => {
    clearInterval(feeding);
    await prom?.stop();
    await server?.stop();
    await removeDir(dir);
  });

  test("the dashboard covers cost, tokens, latency percentiles, errors and quality", () => {
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join("\n");
    for (const family of [
      "tokentrace_cost_total",
      "tokentrace_tokens_total",
      "tokentrace_latency_ms_bucket",
      "tokentrace_errors_total",
      "tokentrace_spans_total",
      "tokentrace_quality_score_sum",
    ]) {
      assert.ok(exprs.includes(family), `no panel uses ${family}`);
    }
    for (const q of ["0.5", "0.95", "0.99"]) assert.ok(exprs.includes(`histogram_quantile(${q},`), `no p${q} panel`);
    assert.ok(exprs.includes("by (model)") && exprs.includes("by (caller)"), "split by model and caller");
    const vars = dashboard.templating.list.map((v) => v.name);
    assert.deepEqual(vars, ["datasource", "model", "caller"]);
  });

  test("every panel query returns data with a finite value", async () => {
    const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    assert.ok(targets.length >= 14, `only ${targets.length} queries`);
    for (const { panel, expr } of targets) {
      const rows = await prom.query(expand(expr));
      assert.ok(rows.length > 0, `panel "${panel}": no data for ${expand(expr)}`);
      const values = rows.map((r) => Number(r.value[1]));
      assert.ok(
        values.some((v) => Number.isFinite(v)),
        `panel "${panel}": only ${values.join(", ")} for ${expand(expr)}`,
      );
      if (/by \(model\)/.test(expr) && !expr.includes("quality")) {
        assert.deepEqual(
          rows.map((r) => r.metric.model).sort(),
          [...MODELS].sort(),
          `panel "${panel}" splits by model`,
        );
      }
    }
  });

  test("template variables list the models and callers", async () => {
    for (const v of dashboard.templating.list) {
      if (v.type !== "query") continue;
      const q = typeof v.query === "string" ? v.query : v.query.query;
      const m = /^label_values\((.+), (\w+)\)$/.exec(q);
      assert.ok(m, `variable ${v.name}: ${q} is not label_values(match, label)`);
      const values = await prom.labelValues(m[2], expand(m[1]));
      assert.deepEqual(values.sort(), (v.name === "model" ? [...MODELS] : [...CALLERS]).sort());
    }
  });

  test("once traffic stops, Prometheus' spend and call count equal tokentrace's own /metrics", async () => {
    clearInterval(feeding);
    await new Promise((r) => setTimeout(r, 500)); // let the last POST land
    const res = await fetch(`${server.url}/metrics?window=1h`);
    const own = (await res.json()) as { span_count: number; cost: { total_usd: number } };
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [cost] = await prom.query("sum(tokentrace_cost_total)");
      const [calls] = await prom.query("sum(tokentrace_spans_total)");
      const same =
        Number(calls.value[1]) === own.span_count && Math.abs(Number(cost.value[1]) - own.cost.total_usd) < 1e-9;
      if (same) break;
      assert.ok(
        Date.now() < deadline,
        `Prometheus ${cost.value[1]} USD / ${calls.value[1]} calls, tokentrace ${own.cost.total_usd} / ${own.span_count}`,
      );
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});

describe("grafana/alerts.yml", () => {
  const run = (args: string[]) => spawnSync(PROMTOOL, args, { cwd: join(REPO_ROOT, "grafana"), encoding: "utf8" });

  test("promtool check rules accepts every rule", () => {
    const r = run(["check", "rules", "alerts.yml"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: 4 rules found/);
  });

  test("promtool test rules: each alert fires on its condition and stays quiet otherwise", () => {
    const r = run(["test", "rules", "alerts.test.yml"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });
});
