// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax under test, not a template
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { validateRule as alertsValidateRule } from "../alerts/rule.js";
import { ConfigError } from "./errors.js";
import { loadConfig, parseConfig, type RuleValidator } from "./load.js";
import { DEFAULT_CONFIG } from "./types.js";

/** The rule "cost" of the YAML texts below, as loaded: every default filled in. */
const COST_RULE = {
  name: "cost",
  metric: "total_cost",
  op: "gt",
  threshold: 10,
  window: "1h",
  cooldown: "1h",
  min_spans: 1,
  filter: {},
  delivery: { type: "log" },
  send_resolved: false,
};

const parse = (text: string, env: NodeJS.ProcessEnv = {}, flags = {}, more = {}) =>
  parseConfig(text, { file: "tokentrace.yml", env, flags, validateRule: alertsValidateRule, ...more });

function problems(text: string, env: NodeJS.ProcessEnv = {}, flags = {}, more = {}): string[] {
  try {
    parse(text, env, flags, more);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.where} ${p.path}: ${p.message}`);
  }
  assert.fail("expected a ConfigError");
}

const FULL = `service: summarizer-service
http_server:
  addr: ":9191"
  auth_token: "\${TOKENTRACE_API_TOKEN}"
  max_batch_size: 500
  max_body_bytes: 2048
  request_timeout: 20s
  headers_timeout: 5s
  keep_alive_timeout: 1m
auth:
  tokens:
    - { token: sdk-1ngest, scope: ingest }
storage:
  driver: postgres
  path: ./data/spans.duckdb
  url: "\${DATABASE_URL}"
retention: 7d
ingest:
  max_future: 30m
quality: { score_attribute: judge.score }
pricing:
  overrides: { my-finetune: { input_per_mtok: 3.0, output_per_mtok: 12.0, cached_input_per_mtok: 1.5 } }
alerts:
  eval_interval: 15s
  allowed_hosts: [hooks.example.com]
  rules:
    - { name: cost, metric: total_cost, op: gt, threshold: 10, window: 1h }
otlp:
  addr: ":4318"
metrics:
  dimensions: [workflow]
  max_dimension_values: 200
  max_groups: 50
  max_series_groups: 10
content:
  enabled: true
  max_bytes: 32768
  retention: 3d
  redact: [secrets, email, credit_card, { pattern: "ORD-[0-9]+", replacement: "[ORDER]" }]
export: { dir: ./exports, every: 1d, format: csv }
`;

describe("parseConfig", () => {
  test("empty file gives the defaults, frozen", () => {
    const c = parse("");
    assert.deepEqual(c, DEFAULT_CONFIG);
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.http_server));
    assert.ok(Object.isFrozen(c.alerts.rules));
    assert.throws(() => {
      (c.http_server as { addr: string }).addr = "x";
    }, TypeError);
  });

  test("reads every key of the documented example", () => {
    const c = parse(FULL, { TOKENTRACE_API_TOKEN: "s3cret", DATABASE_URL: "postgres://localhost/test" });
    assert.deepEqual(c, {
      service: "summarizer-service",
      http_server: {
        addr: ":9191",
        auth_token: "s3cret",
        max_batch_size: 500,
        max_body_bytes: 2048,
        request_timeout_ms: 20_000,
        headers_timeout_ms: 5000,
        keep_alive_timeout_ms: 60_000,
      },
      auth: { tokens: [{ token: "sdk-1ngest", scope: "ingest" }] },
      storage: { driver: "postgres", path: "./data/spans.duckdb", url: "postgres://localhost/test" },
      retention_ms: 7 * 86_400_000,
      ingest: { max_future_ms: 1_800_000 },
      quality: { score_attribute: "judge.score" },
      pricing: { overrides: { "my-finetune": { input_per_mtok: 3, output_per_mtok: 12, cached_input_per_mtok: 1.5 } } },
      alerts: {
        eval_interval_ms: 15_000,
        allowed_hosts: ["hooks.example.com"],
        rules: [COST_RULE],
      },
      otlp: { addr: ":4318" },
      metrics: { dimensions: ["workflow"], max_dimension_values: 200, max_groups: 50, max_series_groups: 10 },
      content: {
        enabled: true,
        max_bytes: 32768,
        retention_ms: 3 * 86_400_000,
        redact: ["secrets", "email", "credit_card", { pattern: "ORD-[0-9]+", replacement: "[ORDER]" }],
      },
      export: { dir: "./exports", every_ms: 86_400_000, format: "csv" },
    });
  });

  test("content settings: env overrides, and bad redact rules are reported with their line", () => {
    const c = parse("content: { enabled: true }\n", {
      TOKENTRACE_CONTENT_ENABLED: "false",
      TOKENTRACE_CONTENT_REDACT: "email, ip",
    });
    assert.equal(c.content.enabled, false);
    assert.deepEqual(c.content.redact, ["email", "ip"]);
    const bad = 'content:\n  max_bytes: 0\n  redact: [secrets, emial, { pattern: "(" }, { pattern: "x*" }]\n';
    assert.throws(
      () => parse(bad),
      (e: Error) =>
        /content\.max_bytes/.test(e.message) &&
        /entry \[1\]: unknown preset "emial"/.test(e.message) &&
        /tokentrace\.yml:3:\d+/.test(e.message),
    );
    assert.throws(
      () => parse('content: { redact: [{ pattern: "(" }] }\n'),
      /\[0\]\.pattern: not a valid regular expression/,
    );
    assert.throws(() => parse('content: { redact: [{ pattern: "x*" }] }\n'), /matches the empty string/);
    assert.throws(() => parse('content: { redact: [{ pattern: "x", with: "y" }] }\n'), /\[0\]\.with: unknown key/);
  });

  test("ingest.max_future (spans dated far ahead): default 1h, a duration named with file:line:col", () => {
    assert.equal(parse("").ingest.max_future_ms, 3_600_000);
    assert.equal(parse("", { TOKENTRACE_INGEST_MAX_FUTURE: "5m" }).ingest.max_future_ms, 300_000);
    assert.deepEqual(problems("ingest:\n  max_future: soon\n"), [
      'tokentrace.yml:2:15 ingest.max_future: must be a duration such as "30s", "90m", "1h30m" or "30d", at most 10y',
    ]);
    assert.deepEqual(problems("ingest:\n  max_futur: 1h\n"), [
      'tokentrace.yml:2:3 ingest.max_futur: unknown key; did you mean "max_future"?',
    ]);
  });

  test("http timeouts: from 1s to 1h, headers_timeout at most request_timeout, named with file:line:col", () => {
    const c = parse("", { TOKENTRACE_REQUEST_TIMEOUT: "45s" });
    assert.equal(c.http_server.request_timeout_ms, 45_000);
    assert.deepEqual(problems("http_server:\n  request_timeout: 0s\n  keep_alive_timeout: 2h\n"), [
      'tokentrace.yml:2:20 http_server.request_timeout: must be a duration such as "30s", "90m", "1h30m" or "30d", at most 10y',
      'tokentrace.yml:3:23 http_server.keep_alive_timeout: must be from 1s to 1h, e.g. "30s"',
    ]);
    assert.deepEqual(problems("http_server:\n  request_timeout: 5s\n  headers_timeout: 10s\n"), [
      "tokentrace.yml:3:20 http_server.headers_timeout: must be at most http_server.request_timeout (5s)",
    ]);
  });

  test("auth.tokens: token and scope read; bad entries named with file:line:col, never quoting a token", () => {
    const ok = parse(
      'http_server: { auth_token: "${TOKENTRACE_API_TOKEN}" }\nauth:\n  tokens:\n    - { token: "${INGEST_TOKEN}", scope: ingest }\n    - { token: r3ad, scope: read }\n',
      { TOKENTRACE_API_TOKEN: "adm1n", INGEST_TOKEN: "1ngest" },
    );
    assert.deepEqual(ok.auth.tokens, [
      { token: "1ngest", scope: "ingest" },
      { token: "r3ad", scope: "read" },
    ]);
    assert.deepEqual(ok, { ...ok, http_server: { ...ok.http_server, auth_token: "adm1n" } });
    const text = [
      'http_server: { auth_token: "s3cret-admin" }',
      "auth:",
      "  tokens:",
      "    - { token: a1, scope: write }",
      '    - { token: "${UNSET_TOKEN}", scope: read }',
      "    - { token: a1, scope: read, note: x }",
      "    - { token: s3cret-admin, scope: read }",
      "    - just-a-token",
    ].join("\n");
    const found = problems(text);
    assert.deepEqual(found, [
      "tokentrace.yml:4:27 auth.tokens[0].scope: must be one of ingest, read, admin",
      "tokentrace.yml:5:16 auth.tokens[1].token: must be a non-empty string (is the variable it names set?)",
      "tokentrace.yml:6:16 auth.tokens[2].token: is the same token as auth.tokens[0]",
      "tokentrace.yml:6:39 auth.tokens[2].note: unknown key; known: token, scope",
      "tokentrace.yml:7:16 auth.tokens[3].token: is the same token as http_server.auth_token",
      "tokentrace.yml:8:7 auth.tokens[4]: must be a mapping such as { token: ..., scope: read }",
    ]);
    assert.ok(!found.some((p) => p.includes("s3cret-admin") || p.includes(" a1")));
    assert.deepEqual(problems("auth: { tokens: read }"), [
      "tokentrace.yml:1:17 auth.tokens: must be a list of { token, scope }",
    ]);
  });

  test("export: every below 1s and an unknown format are problems naming the key", () => {
    assert.deepEqual(problems("export: { dir: ./x, every: 500ms, format: xml }"), [
      'tokentrace.yml:1:28 export.every: must be at least 1s, e.g. "1h" or "1d"',
      "tokentrace.yml:1:43 export.format: must be one of parquet, csv, jsonl",
    ]);
  });

  describe("precedence: flag > environment > file > default", () => {
    const file = 'http_server: { addr: ":7000" }\nstorage: { driver: memory, path: ./file.db }\n';
    test("file over default", () => {
      assert.equal(parse(file).http_server.addr, ":7000");
      assert.equal(parse("").http_server.addr, ":9090");
    });
    test("environment over file", () => {
      const c = parse(file, { TOKENTRACE_ADDR: ":8000", TOKENTRACE_STORAGE_PATH: "/env.db" });
      assert.equal(c.http_server.addr, ":8000");
      assert.equal(c.storage.path, "/env.db");
      assert.equal(c.storage.driver, "memory");
    });
    test("flag over environment", () => {
      const c = parse(file, { TOKENTRACE_ADDR: ":8000" }, { addr: "127.0.0.1:0", storage_driver: "duckdb" });
      assert.equal(c.http_server.addr, "127.0.0.1:0");
      assert.equal(c.storage.driver, "duckdb");
    });
    test("an empty environment variable counts as unset", () => {
      assert.equal(parse(file, { TOKENTRACE_ADDR: "" }).http_server.addr, ":7000");
    });
    test("TOKENTRACE_STORAGE_URL wins over DATABASE_URL; API token from env", () => {
      const env = {
        DATABASE_URL: "postgres://a/db",
        TOKENTRACE_STORAGE_URL: "postgres://b/db",
        TOKENTRACE_API_TOKEN: "t",
      };
      const c = parse("", env);
      assert.equal(c.storage.url, "postgres://b/db");
      assert.equal(c.http_server.auth_token, "t");
      assert.equal(parse("", { DATABASE_URL: "postgres://a/db" }).storage.url, "postgres://a/db");
    });
  });

  describe("${VAR} substitution", () => {
    test("per value, with defaults, re-typing unquoted scalars", () => {
      const c = parse(
        'service: "${SVC:-fallback}"\nhttp_server:\n  addr: "${HOST}:${PORT:-9090}"\n  max_batch_size: ${BATCH}\nretention: ${RET:-2d}\n',
        { HOST: "127.0.0.1", BATCH: "250", SVC: "" },
      );
      assert.equal(c.service, "fallback", ":- applies to an empty variable too");
      assert.equal(c.http_server.addr, "127.0.0.1:9090");
      assert.equal(c.http_server.max_batch_size, 250);
      assert.equal(c.retention_ms, 2 * 86_400_000);
    });

    test("an environment value containing ${ is not expanded again", () => {
      const c = parse('http_server: { auth_token: "${TOKEN}" }\n', { TOKEN: "a${HOME}b", HOME: "/root" });
      assert.equal(c.http_server.auth_token, "a${HOME}b");
    });

    test("a literal ${ in the file is written $${; a lone $ is left alone", () => {
      const c = parse('http_server: { auth_token: "pa$$word-$${NOT_A_VAR}" }\n', { NOT_A_VAR: "x" });
      assert.equal(c.http_server.auth_token, "pa$$word-${NOT_A_VAR}");
    });

    test("keys and comments are never substituted; only values", () => {
      const c = parse("# ${NOPE is fine in a comment\nservice: a\n");
      assert.equal(c.service, "a");
      assert.deepEqual(problems("${KEY}: 1\n", { KEY: "service" }), ["tokentrace.yml:1:1 ${KEY}: unknown key"]);
    });

    test("an unset variable without default becomes empty (auth off) and warns", () => {
      const warnings: string[] = [];
      const c = parse(
        'http_server:\n  auth_token: "${TOKENTRACE_API_TOKEN}"\n',
        {},
        {},
        { onWarning: (w: string) => warnings.push(w) },
      );
      assert.equal(c.http_server.auth_token, null);
      assert.deepEqual(warnings, [
        'tokentrace.yml:2:15: environment variable TOKENTRACE_API_TOKEN is not set; using ""',
      ]);
    });

    test("a malformed ${ is a problem with its line", () => {
      assert.deepEqual(problems('service: "abc${"\n'), [
        'tokentrace.yml:1:10 : malformed "${": write ${NAME} or ${NAME:-default}, or "$${" for a literal "${"',
      ]);
    });
  });

  test("every problem is listed, in file order, with file:line:col and the key path", () => {
    const text = `service: 12
http_server:
  adr: ":9090"
  max_batch_size: 0
storage:
  driver: sqlite
retention: forever
pricing:
  overrides:
    m1: { input_per_mtok: -1 }
alerts:
  eval_interval: 30
  rules: { name: x }
unknown_section: {}
`;
    assert.deepEqual(problems(text, { TOKENTRACE_MAX_BODY_BYTES: "lots" }, { storage_path: "" }), [
      "tokentrace.yml:1:10 service: must be a string",
      'tokentrace.yml:3:3 http_server.adr: unknown key; did you mean "addr"?',
      "tokentrace.yml:4:19 http_server.max_batch_size: must be an integer >= 1",
      "tokentrace.yml:6:11 storage.driver: must be one of duckdb, postgres, memory",
      'tokentrace.yml:7:12 retention: must be a duration such as "30s", "90m", "1h30m" or "30d", at most 10y',
      "tokentrace.yml:10:5 pricing.overrides.m1: input_per_mtok and output_per_mtok are required",
      "tokentrace.yml:10:27 pricing.overrides.m1.input_per_mtok: must be a number >= 0",
      'tokentrace.yml:12:18 alerts.eval_interval: must be a duration such as "30s", "90m", "1h30m" or "30d", at most 10y',
      "tokentrace.yml:13:10 alerts.rules: must be a list of alert rules",
      "tokentrace.yml:14:1 unknown_section: unknown key",
      "environment variable TOKENTRACE_MAX_BODY_BYTES http_server.max_body_bytes: must be an integer >= 1",
      "flag --storage-path storage.path: must be a non-empty string",
    ]);
  });

  test("YAML syntax errors carry their line", () => {
    const p = problems("service: a\nhttp_server:\n  addr: [1,\nfoo: 1\n");
    assert.equal(p.length >= 1, true);
    assert.match(p[0], /^tokentrace\.yml:\d+:\d+ /);
    assert.deepEqual(problems("a: 1\na: 2\n").length, 1);
    assert.match(problems("service: x\nservice: y\n")[0], /^tokentrace\.yml:2:1 : Map keys must be unique/);
  });

  test("postgres needs a url", () => {
    assert.deepEqual(problems("storage: { driver: postgres }\n"), [
      "tokentrace.yml:1:20 storage.url: is required when storage.driver is postgres (set storage.url, TOKENTRACE_STORAGE_URL or DATABASE_URL)",
    ]);
    assert.equal(
      parse("storage: { driver: postgres }\n", { DATABASE_URL: "postgres://x/y" }).storage.url,
      "postgres://x/y",
    );
  });

  test("addr accepts host:port forms and a bare port number", () => {
    for (const a of [":9090", "127.0.0.1:0", "[::1]:9090", "localhost:8080", "0.0.0.0:65535"]) {
      assert.equal(parse(`http_server: { addr: "${a}" }`).http_server.addr, a);
    }
    assert.equal(parse("http_server: { addr: 9090 }").http_server.addr, ":9090");
    for (const a of ["9090x", "localhost", ":70000", "a b:1"]) {
      assert.equal(problems(`http_server: { addr: "${a}" }`).length, 1, a);
    }
  });

  test("rules are validated through validateRule, errors mapped to their YAML lines", () => {
    const validateRule: RuleValidator<object> = (input) => {
      const r = input as { window?: unknown; delivery?: { url?: unknown } };
      const errors = [];
      if (r.window === "bogus") errors.push({ path: "window", message: "must be a duration" });
      if (r.delivery?.url === "nope") errors.push({ path: "delivery.url", message: "must be an http(s) URL" });
      if (!("metric" in (input as object))) errors.push({ path: "metric", message: "is required" });
      return errors.length ? { ok: false, errors } : { ok: true, rule: { ...(input as object), checked: true } };
    };
    const text = `alerts:
  rules:
    - name: a
      metric: total_cost
      window: 1h
    - name: b
      metric: error_rate
      window: bogus
      delivery:
        type: http
        url: nope
    - name: c
    - name: a
      metric: total_cost
`;
    assert.deepEqual(problems(text, {}, {}, { validateRule }), [
      "tokentrace.yml:8:15 alerts.rules[1].window: must be a duration",
      "tokentrace.yml:11:14 alerts.rules[1].delivery.url: must be an http(s) URL",
      "tokentrace.yml:12:7 alerts.rules[2].metric: is required",
      'tokentrace.yml:13:13 alerts.rules[3].name: duplicate rule name "a" (also alerts.rules[0])',
    ]);
    const ok = parse("alerts:\n  rules:\n    - { name: a, metric: m }\n", {}, {}, { validateRule });
    assert.deepEqual(ok.alerts.rules, [{ name: "a", metric: "m", checked: true }]);
  });
});

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "tokentrace-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("reads ./tokentrace.yml when present, else defaults", () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    assert.deepEqual(loadConfig({ env: {}, flags: {}, cwd: empty, validateRule: alertsValidateRule }), DEFAULT_CONFIG);
    const withFile = mkdtempSync(join(dir, "with-"));
    writeFileSync(join(withFile, "tokentrace.yml"), "service: from-cwd\n");
    assert.equal(
      loadConfig({ env: {}, flags: {}, cwd: withFile, validateRule: alertsValidateRule }).service,
      "from-cwd",
    );
  });

  test("--config and TOKENTRACE_CONFIG name the file; a missing one is an error", () => {
    writeFileSync(join(dir, "a.yml"), "service: a\n");
    writeFileSync(join(dir, "b.yml"), "service: b\n");
    assert.equal(
      loadConfig({
        file: "a.yml",
        env: { TOKENTRACE_CONFIG: "b.yml" },
        flags: {},
        cwd: dir,
        validateRule: alertsValidateRule,
      }).service,
      "a",
    );
    assert.equal(
      loadConfig({ env: { TOKENTRACE_CONFIG: "b.yml" }, flags: {}, cwd: dir, validateRule: alertsValidateRule })
        .service,
      "b",
    );
    assert.throws(
      () => loadConfig({ file: "missing.yml", env: {}, flags: {}, cwd: dir, validateRule: alertsValidateRule }),
      (e: unknown) =>
        e instanceof ConfigError && e.message.includes("missing.yml: cannot read config file: file not found"),
    );
  });

  test("locations name the file as given", () => {
    writeFileSync(join(dir, "bad.yml"), "service: ok\nretention: 0s\n");
    assert.throws(
      () => loadConfig({ file: "bad.yml", env: {}, flags: {}, cwd: dir, validateRule: alertsValidateRule }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          'invalid configuration (1 problem):\n  bad.yml:2:12: retention: must be a duration such as "30s", "90m", "1h30m" or "30d", at most 10y',
    );
  });
});

test("config rules go through the alerts module's validateRule", () => {
  const text = `alerts:
  rules:
    - name: cost
      metric: total_cost
      op: gt
      threshold: 10
      window: 1h
    - name: slow
      metric: latency_p95
      op: bigger
      threshold: 4000
      window: 30m
      delivery: { type: http, url: 12 }
`;
  const p = problems(text);
  assert.ok(p.length >= 2, p.join("\n"));
  assert.ok(
    p.some((x) => x.startsWith("tokentrace.yml:10:11 alerts.rules[1].op: must be one of")),
    p.join("\n"),
  );
  assert.ok(
    p.some((x) => x.startsWith("tokentrace.yml:13:") && x.includes("alerts.rules[1].delivery")),
    p.join("\n"),
  );
  const ok = parse(text.split("    - name: slow")[0]);
  assert.deepEqual(ok.alerts.rules, [COST_RULE]);
});
