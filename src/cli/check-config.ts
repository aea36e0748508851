import { parseArgs } from "node:util";
import { validateRule } from "../alerts/rule.js";
import { ConfigError, loadConfig, resolveConfigFile } from "../config/index.js";
import type { Config } from "../config/types.js";
import { formatDuration } from "../util/duration.js";
import { parseOr } from "./args.js";
import { redactUrl } from "./startup-error.js";
import { CHECK_CONFIG_USAGE } from "./usage.js";

/** The summary check-config prints after OK. */
export function summarize(config: Config): string[] {
  const h = config.http_server;
  const s = config.storage;
  const store =
    s.driver === "duckdb"
      ? `duckdb ${s.path}`
      : s.driver === "postgres"
        ? `postgres ${redactUrl(s.url ?? "")}`
        : "memory";
  const overrides = Object.keys(config.pricing.overrides);
  return [
    `  service:      ${config.service ?? "(none)"}`,
    `  http_server:  ${h.addr}, auth ${authText(config)}, max_batch_size ${h.max_batch_size}, max_body_bytes ${h.max_body_bytes}`,
    `  storage:      ${store}`,
    `  retention:    ${formatDuration(config.retention_ms)}`,
    `  quality:      score_attribute ${config.quality.score_attribute}`,
    `  pricing:      ${overrides.length} override${overrides.length === 1 ? "" : "s"}${overrides.length ? ` (${overrides.join(", ")})` : ""}`,
    `  alerts:       ${config.alerts.rules.length} rule${config.alerts.rules.length === 1 ? "" : "s"}, evaluated every ${formatDuration(config.alerts.eval_interval_ms)}`,
    ...(config.otlp.addr ? [`  otlp:         ${config.otlp.addr}`] : []),
    `  content:      ${contentLine(config.content)}`,
  ];
}

/** "off", "on" or "on (2 scoped tokens: ingest, read)": never a token itself. */
function authText(config: Config): string {
  const scoped = config.auth.tokens;
  if (config.http_server.auth_token === null && scoped.length === 0) return "off";
  if (scoped.length === 0) return "on";
  const n = scoped.length;
  return `on (${n} scoped token${n === 1 ? "" : "s"}: ${[...new Set(scoped.map((t) => t.scope))].join(", ")})`;
}

function contentLine(c: Config["content"]): string {
  if (!c.enabled) return "off (dropped at ingest)";
  const rules = c.redact.map((r) => (typeof r === "string" ? r : "custom")).join(", ") || "none";
  return `max_bytes ${c.max_bytes}, retention ${formatDuration(c.retention_ms)}, redact ${rules}`;
}

/**
 * `tokentrace check-config`: 0 when the configuration loads (prints OK and a summary),
 * 1 with every problem listed, 2 on bad arguments.
 */
export async function runCheckConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = { config: { type: "string" }, help: { type: "boolean", short: "h" } } as const;
  const values = parseOr("check-config", Object.keys(options), () => parseArgs({ args: argv, options }).values);
  if (values === null) return 2;
  if (values.help) {
    console.log(CHECK_CONFIG_USAGE);
    return 0;
  }
  try {
    const config = loadConfig({
      file: values.config,
      env,
      flags: {},
      onWarning: (w) => console.error(`warning: ${w}`),
      validateRule,
    });
    const file = resolveConfigFile({ file: values.config, env });
    console.log(
      `OK ${file ? (values.config ?? env.TOKENTRACE_CONFIG ?? "tokentrace.yml") : "(no config file: defaults and environment)"}`,
    );
    for (const line of summarize(config)) console.log(line);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}
