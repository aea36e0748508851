// GET /metrics/prometheus over real HTTP: content type, hand-computed samples, escaping of
// nasty label values, and `promtool check metrics` on a realistic data set, on both stores.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type RunningServer, startServer } from "../../src/server/listen.js";
import { makeTempDir, removeDir } from "./helpers/server.js";
import { configFor } from "./metrics-fixture.js";

const NOW = Date.UTC(2026, 2, 15, 15, 0, 0);
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PROMTOOL = process.env.PROMTOOL ?? `${REPO}.bin/prometheus/usr/bin/promtool`;
const NASTY = 'multi\nline "quoted" back\\slash';

function spans(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    {
      model: "gpt-4o",
      caller: "svc-a",
      prompt_tokens: 10,
      comp_tokens: 5,
      cost_usd: 0.1,
      latency_ms: 80,
      attributes: { "eval.score": 0.85 },
    },
    {
      model: "gpt-4o",
      caller: "svc-a",
      prompt_tokens: 20,
      comp_tokens: 7,
      cost_usd: 0.2,
      latency_ms: 700,
      status: "error",
    },
    {
      model: "claude-sonnet-4-5",
      caller: NASTY,
      prompt_tokens: 1,
      comp_tokens: 1,
      cost_usd: 0.000001,
      latency_ms: 45000,
      status: "timeout",
    },
  ];
  const models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-pro", "my-finetune"];
  for (let i = 0; i < 600; i++) {
    out.push({
      model: models[i % models.length],
      caller: ["checkout", "search", "support-bot"][i % 3],
      prompt_tokens: 200 + (i % 97),
      comp_tokens: 30 + (i % 41),
      latency_ms: i % 101 === 0 ? 90_000 : 60 + ((i * 131) % 4000),
      status: i % 29 === 0 ? "error" : "ok",
      attributes: i % 2 ? { "eval.score": (i % 10) / 10, request_id: `req-${i}` } : { request_id: `req-${i}` },
    });
  }
  return out;
}

for (const driver of ["memory", "duckdb"] as const) {
  describe(`GET /metrics/prometheus (${driver} store)`, () => {
    let server: RunningServer;
    let dir: string;
    let text: string;
    before(async () => {
      dir = await makeTempDir();
      server = await startServer(configFor(driver, dir), { now: () => NOW });
      const res = await fetch(`${server.url}/spans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(spans()),
      });
      assert.equal(res.status, 202, await res.text());
      const prom = await fetch(`${server.url}/metrics/prometheus`);
      assert.equal(prom.status, 200);
      assert.equal(prom.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
      text = await prom.text();
    });
    after(async () => {
      await server?.close();
      await removeDir(dir);
    });

    test("hand-computed samples for one label set", () => {
      const l = 'model="gpt-4o",provider="openai",caller="svc-a"';
      for (const line of [
        `tokentrace_spans_total{${l}} 2`,
        `tokentrace_cost_total{${l}} 0.3`,
        `tokentrace_tokens_total{${l},type="prompt"} 30`,
        `tokentrace_tokens_total{${l},type="completion"} 12`,
        `tokentrace_errors_total{${l}} 1`,
        `tokentrace_latency_ms_bucket{${l},le="50"} 0`,
        `tokentrace_latency_ms_bucket{${l},le="100"} 1`,
        `tokentrace_latency_ms_bucket{${l},le="500"} 1`,
        `tokentrace_latency_ms_bucket{${l},le="1000"} 2`,
        `tokentrace_latency_ms_bucket{${l},le="+Inf"} 2`,
        `tokentrace_latency_ms_sum{${l}} 780`,
        `tokentrace_latency_ms_count{${l}} 2`,
        `tokentrace_quality_score_bucket{${l},le="0.8"} 0`,
        `tokentrace_quality_score_bucket{${l},le="0.9"} 1`,
        `tokentrace_quality_score_sum{${l}} 0.85`,
        `tokentrace_quality_score_count{${l}} 1`,
      ]) {
        assert.ok(text.split("\n").includes(line), `missing: ${line}`);
      }
    });

    test("label values are escaped; attribute values and ids never become labels", () => {
      const escaped = 'caller="multi\\nline \\"quoted\\" back\\\\slash"';
      assert.ok(
        text.includes(`tokentrace_spans_total{model="claude-sonnet-4-5",provider="anthropic",${escaped}} 1`),
        text.slice(0, 2000),
      );
      assert.doesNotMatch(text, /req-\d/);
      assert.doesNotMatch(text, /request_id|trace_id|span_id/);
      assert.match(text, /^process_resident_memory_bytes \d+$/m);
      assert.match(text, /^process_cpu_seconds_total [\d.e-]+$/m);
    });

    test("histogram buckets in order, cumulative, ending with +Inf equal to _count", () => {
      const re = /^(tokentrace_(?:latency_ms|quality_score))_bucket\{(.*),le="([^"]+)"\} (\d+)$/;
      const seen = new Map<string, [string, number][]>();
      for (const line of text.split("\n")) {
        const m = re.exec(line);
        if (m) seen.set(`${m[1]}{${m[2]}}`, [...(seen.get(`${m[1]}{${m[2]}}`) ?? []), [m[3], Number(m[4])]]);
      }
      assert.ok(seen.size >= 20);
      for (const [key, buckets] of seen) {
        assert.equal(buckets.at(-1)?.[0], "+Inf", key);
        const bounds = buckets.slice(0, -1).map(([le]) => Number(le));
        assert.deepEqual(
          bounds,
          [...bounds].sort((a, b) => a - b),
          key,
        );
        assert.ok(
          buckets.every(([, n], i) => i === 0 || n >= buckets[i - 1][1]),
          `${key} cumulative`,
        );
        const [name, labels] = [key.slice(0, key.indexOf("{")), key.slice(key.indexOf("{"))];
        assert.ok(text.split("\n").includes(`${name}_count${labels} ${buckets.at(-1)?.[1]}`), `${key}: +Inf = _count`);
      }
    });

    test("promtool check metrics finds no parse error", (t) => {
      if (!existsSync(PROMTOOL)) {
        t.skip(`promtool not found at ${PROMTOOL} (scripts/install-promtool.sh installs it; CI runs it)`);
        return;
      }
      const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
      assert.notEqual(r.status, 1, `${r.stdout}${r.stderr}`);
      // Exit 3 = lint findings only; the accepted one is the `_ms` unit in tokentrace_latency_ms.
      for (const line of `${r.stdout}${r.stderr}`.split("\n").filter((x) => x.trim() !== "")) {
        assert.match(line, /^tokentrace_latency_ms .*units/, line);
      }
    });
  });
}
