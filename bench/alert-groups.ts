// Rules per user and budgets (#15), and the per-user reads of #14, over N spans in 30 days
// with U users (the sessions data set, bench/lib/sessions-data.ts):
//  - one round of a `group_by: [user_id]` rule (cost per user over 1h);
//  - one round of 100 budget rules with `group_by: [user_id]` (monthly spend per user);
//  - GET /budgets/{name}?user_id= (what an app asks before a call);
//  - GET /metrics/cost?groupby=user_id&window=30d.
// Usage: npx tsx bench/alert-groups.ts [--count 1000000] [--users 10000] [--sessions 100000] [--runs 7]
import { rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createAlertService } from "../src/alerts/index.js";
import { calendarPeriod } from "../src/alerts/period.js";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { startServer } from "../src/server/listen.js";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import { sessionData, userId } from "./lib/sessions-data.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}
const count = arg("count", 1_000_000);
const users = arg("users", count / 100);
const sessions = arg("sessions", count / 10);
const runs = arg("runs", 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MODELS = [undefined, "gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"];

const perUser = {
  name: "user-hourly-spend",
  metric: "total_cost",
  op: "gt",
  threshold: 0.5,
  window: "1h",
  group_by: ["user_id"],
  delivery: { type: "log" },
};
// 100 budgets a team might keep: per user, per month, some on one model only
const budgets = Array.from({ length: 100 }, (_, i) => ({
  name: `budget-${i}`,
  metric: i % 5 === 4 ? "total_tokens" : "total_cost",
  budget: { period: "month", amount: i % 5 === 4 ? 2_000_000 : 5 + i, timezone: "Europe/Berlin" },
  group_by: ["user_id"],
  filter: MODELS[i % MODELS.length] === undefined ? {} : { model: MODELS[i % MODELS.length] },
  delivery: { type: "log" },
}));

const copy = join(tmpdir(), `tokentrace-bench-alert-groups-${process.pid}.duckdb`);
const data = await sessionData(count, users, sessions, copy);
const store = await DuckDbStore.open(copy, { rebuild: "none" });
// A budget costs most at the end of its month, when the whole month is read: the clock stands
// at the last minute of the data's last whole month (Berlin time) when the data holds it.
const monthStart = calendarPeriod("month", "Europe/Berlin", data.to).start;
const now = monthStart - 60_000 > data.from + 20 * 86_400_000 ? monthStart - 60_000 : data.to;

async function round(rules: unknown[]): Promise<number[]> {
  const alerts = await createAlertService({
    store,
    config: DEFAULT_CONFIG,
    now: () => now,
    codeRules: rules,
    log: () => undefined,
    warn: () => undefined,
  });
  try {
    await alerts.evaluateNow(); // warm-up
    await alerts.idle();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await alerts.evaluateNow();
      await alerts.idle();
      times.push(performance.now() - t);
    }
    return times;
  } finally {
    await alerts.stop();
  }
}

const line = (label: string, times: number[], target: string) =>
  console.log(
    `${label.padEnd(44)} median ${median(times).toFixed(1).padStart(8)} ms  min ${Math.min(...times)
      .toFixed(1)
      .padStart(8)} ms  target (10M) ${target}`,
  );

try {
  console.log(
    `spans ${await store.countSpans()} over 30 days, ${users} users, clock at ${new Date(now).toISOString()}  (machine: 2 cores shared, load ${loadavg()[0].toFixed(1)}, Node ${process.version})`,
  );
  line("group_by user_id rule, one round", await round([perUser]), "<= 200 ms");
  line("100 budget rules by user_id, one round", await round(budgets), "<= 1000 ms");

  const config = structuredClone(DEFAULT_CONFIG);
  config.http_server.addr = "127.0.0.1:0";
  config.alerts.rules = budgets.slice(0, 1);
  config.alerts.eval_interval_ms = 3_600_000;
  const server = await startServer(config, { store, now: () => now });
  try {
    const http = async (path: () => string) => {
      const get = async () => {
        const res = await fetch(`${server.url}${path()}`);
        if (res.status !== 200) throw new Error(`${path()}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      };
      await get();
      const times: number[] = [];
      for (let i = 0; i < runs * 2; i++) {
        const t = performance.now();
        await get();
        times.push(performance.now() - t);
      }
      return times;
    };
    let k = 0;
    line(
      "GET /budgets/{name}?user_id=",
      await http(() => `/budgets/budget-0?user_id=${userId(k++ % users)}`),
      "<= 5 ms",
    );
    line(
      "GET /metrics/cost?groupby=user_id&window=30d",
      await http(() => "/metrics/cost?groupby=user_id&window=30d"),
      "<= 150 ms",
    );
  } finally {
    await server.close();
  }
} finally {
  await store.close();
  rmSync(copy, { force: true });
  rmSync(`${copy}.wal`, { force: true });
}
