import { parseArgs } from "node:util";
import { validateRule } from "../alerts/rule.js";
import { ConfigError, loadConfig } from "../config/index.js";
import type { Config } from "../config/types.js";
import { seedDemo } from "../demo/index.js";
import { createPricer } from "../pricing/index.js";
import type { Store } from "../store/store.js";
import { argsErrorLine } from "./args.js";
import { storageFlags } from "./storage-flags.js";

const DEMO_USAGE = `Usage: tokentrace demo [options]

Fills an empty store with realistic LLM traffic over the last days (several models,
callers and workflows, eval scores, errors, a daily pattern, multi-span traces) and a
few alert rules, so the dashboard has something to show at once.

Options:
  --config FILE          config file (default: $TOKENTRACE_CONFIG or ./tokentrace.yml)
  --storage-driver NAME  duckdb | postgres | memory
  --storage-path PATH    DuckDB file
  --storage-url URL      PostgreSQL URL
  --days N               days of traffic ending now (default 7)
  --per-day N            traces per day on average (default 2000)
  --seed N               random seed (default 42)
  --force                add the demo traffic even if the store already holds spans
  -h, --help             show this help`;

function positive(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be an integer from 1 to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

class UsageError extends Error {}

async function openConfiguredStore(config: Config): Promise<Store> {
  // The store module loads native drivers; import it only when the command runs.
  const { openStore } = await import("../store/index.js");
  return openStore(config);
}

/**
 * `tokentrace demo`: seeds the configured store. Returns the exit code (0 done, 1 the store
 * is not empty or cannot be opened, 2 bad arguments or config).
 *
 * @example process.exitCode = await runDemo(["--days", "3"]);
 */
export async function runDemo(argv: string[], now: () => number = Date.now): Promise<number> {
  let args: ReturnType<typeof parse>;
  let config: Config;
  let opts: { days: number; perDay: number; seed: number };
  try {
    args = parse(argv);
    if (args.help) {
      console.log(DEMO_USAGE);
      return 0;
    }
    opts = {
      days: positive("days", args.days, 7, 90),
      perDay: positive("per-day", args["per-day"], 2000, 200_000),
      seed: positive("seed", args.seed, 42, 2 ** 31),
    };
    const flags = storageFlags(args);
    config = loadConfig({
      file: args.config,
      env: process.env,
      flags,
      onWarning: (w) => console.error(`warning: ${w}`),
      validateRule,
    });
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(argsErrorLine("demo", e, Object.keys(OPTIONS)));
      return 2;
    }
    if (e instanceof UsageError) {
      console.error(`tokentrace demo: ${e.message} (run tokentrace demo --help for every option)`);
      return 2;
    }
    if (e instanceof ConfigError) {
      console.error(`tokentrace demo: ${e.message}`);
      return 2;
    }
    throw e;
  }

  const where = config.storage.driver === "duckdb" ? `duckdb ${config.storage.path}` : config.storage.driver;
  if (config.storage.driver === "memory") {
    console.error(
      "tokentrace demo: the memory store forgets everything when this command exits; use `tokentrace serve --demo` instead.",
    );
    return 2;
  }
  let store: Store;
  try {
    store = await openConfiguredStore(config);
  } catch (e) {
    console.error(`tokentrace demo: cannot open the store (${where}): ${(e as Error).message}`);
    return 1;
  }
  try {
    const existing = await store.countSpans();
    if (existing > 0 && !args.force) {
      console.error(
        `tokentrace demo: the store (${where}) already holds ${existing.toLocaleString("en-US")} spans; the demo only fills an empty store. Pass --force to add the demo traffic anyway.`,
      );
      return 1;
    }
    const started = performance.now();
    const result = await seedDemo(store, {
      now: now(),
      days: opts.days,
      tracesPerDay: opts.perDay,
      seed: opts.seed,
      scoreAttribute: config.quality.score_attribute,
      price: createPricer(config.pricing.overrides),
    });
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Inserted ${result.spans.toLocaleString("en-US")} spans in ${result.traces.toLocaleString("en-US")} traces over ${opts.days} days ($${result.costUsd.toFixed(2)}) and ${result.rules.length} alert rules into ${where} in ${secs} s.`,
    );
    console.log("Run `tokentrace serve` and open http://localhost:9090/ to see them.");
    return 0;
  } finally {
    await store.close();
  }
}

const OPTIONS = {
  config: { type: "string" },
  "storage-driver": { type: "string" },
  "storage-path": { type: "string" },
  "storage-url": { type: "string" },
  days: { type: "string" },
  "per-day": { type: "string" },
  seed: { type: "string" },
  force: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

function parse(argv: string[]) {
  return parseArgs({ args: argv, strict: true, allowPositionals: false, options: OPTIONS }).values;
}
