import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatDuration } from "../util/duration.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { nonNegative } from "./parse.js";
import { type ConfigFlags, FIELDS, FLAG_NAMES } from "./schema.js";
import { type FileSource, readSource } from "./source.js";
import { readTokens } from "./tokens.js";
import { type Config, DEFAULT_CONFIG, type PriceOverride } from "./types.js";

/** The alerts module's rule check; loadConfig maps each error path to its YAML line. */
export type RuleValidator<Rule> = (
  input: unknown,
) => { ok: true; rule: Rule } | { ok: false; errors: { path: string; message: string }[] };

export interface LoadOptions<Rule> {
  /** Config file; else $TOKENTRACE_CONFIG; else ./tokentrace.yml when present; else defaults only. */
  file?: string;
  env: NodeJS.ProcessEnv;
  flags: Partial<ConfigFlags>;
  /** Directory for the ./tokentrace.yml lookup (default: process.cwd()). */
  cwd?: string;
  /** Receives non-fatal notes, e.g. a ${VAR} that is not set. */
  onWarning?: (message: string) => void;
  /** Validates each alerts.rules entry: the alerts module's validateRule (config stands below alerts). */
  validateRule: RuleValidator<Rule>;
}

const DEFAULT_CONFIG_FILE = "tokentrace.yml";

/** Which file loadConfig reads, or null for none. An explicit file that is missing is an error. */
export function resolveConfigFile(
  opts: Pick<LoadOptions<unknown>, "file" | "env" | "cwd">,
): { path: string; explicit: boolean } | null {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.file) return { path: resolve(cwd, opts.file), explicit: true };
  const fromEnv = opts.env.TOKENTRACE_CONFIG;
  if (fromEnv) return { path: resolve(cwd, fromEnv), explicit: true };
  const local = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(local) ? { path: local, explicit: false } : null;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * Loads tokentrace.yml, substitutes ${VAR} / ${VAR:-default} per value, then applies the
 * environment and CLI flags on top (CLI flag > environment > file > default). Returns a
 * frozen Config or throws ConfigError listing every problem with file:line:col.
 *
 * @example const config = loadConfig({ env: process.env, flags: { addr: "127.0.0.1:0" }, validateRule });
 */
export function loadConfig<Rule>(opts: LoadOptions<Rule>): Config<Rule> {
  const found = resolveConfigFile(opts);
  let text = "";
  let label = DEFAULT_CONFIG_FILE;
  if (found !== null) {
    label = opts.file ?? opts.env.TOKENTRACE_CONFIG ?? DEFAULT_CONFIG_FILE;
    try {
      text = readFileSync(found.path, "utf8");
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message;
      throw new ConfigError([{ where: label, path: "", message: `cannot read config file: ${reason}` }]);
    }
  }
  return parseConfig(text, { ...opts, file: label });
}

/** loadConfig without the file system: `file` only labels locations. */
export function parseConfig<Rule>(text: string, opts: LoadOptions<Rule> & { file: string }): Config<Rule> {
  const src = readSource(text, opts.file, opts.env);
  for (const w of src.warnings) opts.onWarning?.(w);
  const problems: ConfigProblem[] = [...src.problems];
  const base = structuredClone(DEFAULT_CONFIG);
  const config: Config<Rule> = { ...base, alerts: { ...base.alerts, rules: [] } };
  const where = new Map<string, string>();

  for (const [path, spec] of Object.entries(FIELDS)) {
    const layers: { value: unknown; where: string }[] = [];
    const fromFile = src.values.get(path);
    if (fromFile) layers.push(fromFile);
    const envName = spec.env?.find((n) => opts.env[n] !== undefined && opts.env[n] !== "");
    if (envName) layers.push({ value: opts.env[envName], where: `environment variable ${envName}` });
    const flag = spec.flag ? opts.flags[spec.flag] : undefined;
    if (spec.flag && flag !== undefined) layers.push({ value: flag, where: `flag ${FLAG_NAMES[spec.flag]}` });
    // Every layer is checked (a bad file value is reported even when env overrides it); the last good one wins.
    for (const layer of layers) {
      const message = spec.apply(config, layer.value, (w) => opts.onWarning?.(`${layer.where} ${path}: ${w}`));
      if (message !== null) problems.push({ where: layer.where, path, message });
      else where.set(path, layer.where);
    }
  }

  config.pricing.overrides = readOverrides(src, problems);
  config.alerts.rules = readRules(src, problems, opts.validateRule);
  config.auth.tokens = readTokens(src.tokens, config.http_server.auth_token, problems);

  if (config.storage.driver === "postgres" && config.storage.url === null) {
    problems.push({
      where: where.get("storage.driver") ?? opts.file,
      path: "storage.url",
      message: "is required when storage.driver is postgres (set storage.url, TOKENTRACE_STORAGE_URL or DATABASE_URL)",
    });
  }
  const http = config.http_server;
  if (http.headers_timeout_ms > http.request_timeout_ms) {
    problems.push({
      where: where.get("http_server.headers_timeout") ?? where.get("http_server.request_timeout") ?? opts.file,
      path: "http_server.headers_timeout",
      message: `must be at most http_server.request_timeout (${formatDuration(http.request_timeout_ms)})`,
    });
  }
  if (problems.length > 0) throw new ConfigError(sortByLine(problems));
  return deepFreeze(config);
}

/** File problems in file order first, then environment and flag problems. */
function sortByLine(problems: ConfigProblem[]): ConfigProblem[] {
  const pos = (p: ConfigProblem) => {
    const m = /:(\d+):(\d+)$/.exec(p.where);
    return m ? Number(m[1]) * 1e6 + Number(m[2]) : Number.MAX_SAFE_INTEGER;
  };
  return problems
    .map((p, i) => ({ p, i, k: pos(p) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.p);
}

function readOverrides(src: FileSource, problems: ConfigProblem[]): Record<string, PriceOverride> {
  const out: Record<string, PriceOverride> = {};
  for (const [model, fields] of src.overrides) {
    const o: Partial<PriceOverride> = {};
    for (const [k, v] of fields) {
      const r = nonNegative(v.value);
      if (r.ok) o[k] = r.value;
      else problems.push({ where: v.where, path: `pricing.overrides.${model}.${k}`, message: r.message });
    }
    // A missing input or output price was reported by readSource.
    const { input_per_mtok, output_per_mtok } = o;
    if (input_per_mtok !== undefined && output_per_mtok !== undefined) {
      out[model] = { ...o, input_per_mtok, output_per_mtok };
    }
  }
  return out;
}

function readRules<Rule>(src: FileSource, problems: ConfigProblem[], validate: RuleValidator<Rule>): Rule[] {
  const out: Rule[] = [];
  const names = new Map<string, number>();
  src.rules.forEach((r, i) => {
    const v = validate(r.value);
    if (!v.ok) {
      for (const e of v.errors) {
        const sub = e.path.replace(/^\$?\.?\/?/, "");
        const path = `alerts.rules[${i}]${sub ? `.${sub}` : ""}`;
        problems.push({ where: r.locate(sub), path, message: e.message });
      }
      return;
    }
    const name = typeof r.value === "object" && r.value !== null && "name" in r.value ? r.value.name : undefined;
    if (typeof name === "string") {
      const first = names.get(name);
      if (first !== undefined) {
        problems.push({
          where: r.locate("name"),
          path: `alerts.rules[${i}].name`,
          message: `duplicate rule name "${name}" (also alerts.rules[${first}])`,
        });
      } else names.set(name, i);
    }
    out.push(v.rule);
  });
  return out;
}
